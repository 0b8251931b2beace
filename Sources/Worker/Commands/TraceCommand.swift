import ArgumentParser
import Shared

/// `worker trace <MsgId | dedup key | openid>`: where a message is now and what happened to it.
struct TraceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trace",
        abstract: "Show where a message is and what happened to it (by MsgId, dedup key or openid).",
        discussion: "A dedup key looks like m:<MsgId>:<openid>:<CreateTime> or e:<openid>:<CreateTime>:<Event>:<EventKey>; worker logs and dead letters show them.")

    @OptionGroup var options: OperatorOptions

    @Argument(help: "A MsgId (digits), a dedup key (m:… or e:…) or an openid.")
    var query: String

    func run() async throws {
        let (redis, keys) = try options.connect()
        defer { redis.close() }
        do {
            for line in try await MessageTrace(redis: redis, keys: keys).report(for: query) { print(line) }
        } catch {
            ProcessEnvironment.printError("worker trace: \(error)")
            throw ExitCode(1)
        }
    }
}
