import ArgumentParser
import Logging
import Shared

/// The `worker` command (the `worker` executable, or `wechat-relay worker`): by default the service (consume, handle, reply until SIGTERM/SIGINT);
/// `worker status`, `worker dead-letters list|replay|purge`, `worker menu …` and `worker qrcode create` are the operator's tools.
public struct Worker: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Consumes queued WeChat messages, runs the business logic and sends the replies.",
        discussion: "Every option mirrors an environment variable; the flag wins when both are set.",
        subcommands: [Serve.self, Status.self, DeadLettersCommand.self, TraceCommand.self, MenuCommand.self, QRCodeCommand.self],
        defaultSubcommand: Serve.self
    )

    public init() {}
}
