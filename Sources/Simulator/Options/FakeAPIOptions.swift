import ArgumentParser
import AsyncHTTPClient

/// Where the workers' replies can be read back: the `wxsim api` they send to.
struct FakeAPIOptions: ParsableArguments {
    @Option(help: "The fake API (`wxsim api`) the workers reply to.")
    var api = "http://127.0.0.1:9080"

    func watcher(client: HTTPClient = .shared) -> ReplyWatcher {
        ReplyWatcher(apiBase: api, client: client)
    }
}
