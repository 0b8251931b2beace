import ArgumentParser
import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import Shared

/// `wxsim probe URL`: a health check for images without curl (Docker `HEALTHCHECK`): exit 0 on a 2xx
/// answer within 3 s, else one line and exit 1.
struct ProbeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "GET a URL; exit 0 when it answers 2xx (container health checks).")

    @Argument(help: "e.g. http://127.0.0.1:8080/healthz")
    var url: String

    @Flag(help: "Print the answer's body (up to 1 MiB), e.g. a /metrics page.")
    var print = false

    func run() async throws {
        do {
            let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(3))
            guard (200..<300).contains(response.status.code) else {
                ProcessEnvironment.printError("probe: \(url) answered \(response.status.code)")
                throw ExitCode(1)
            }
            if print {
                let body = try await response.body.collect(upTo: 1 << 20)
                Swift.print(String(buffer: body), terminator: "")
            }
        } catch let error as ExitCode {
            throw error
        } catch {
            ProcessEnvironment.printError("probe: \(url): \(error)")
            throw ExitCode(1)
        }
    }
}
