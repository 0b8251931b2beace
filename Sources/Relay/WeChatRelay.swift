import ArgumentParser
import Ingress
import Simulator
import Web
import Worker

/// `wechat-relay`: the image's one binary, holding the four commands. `wechat-relay ingress|worker|web|wxsim …`
/// runs that command; called through a symlink named `ingress`, `worker`, `web` or `wxsim` (the image installs
/// one for each) it is that command, so `worker status` or `wxsim probe URL` read as they always have.
/// One binary instead of four saves the Swift runtime and the shared libraries three times over in the image.
@main
struct WeChatRelay: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wechat-relay",
        abstract: "WeChat Relay in one binary: the ingress, the worker, web and wxsim.",
        discussion: "Called through a symlink named ingress, worker, web or wxsim, it runs that command.",
        subcommands: [Ingress.self, Worker.self, Web.self, WxSim.self]
    )

    /// The commands a symlink's name selects.
    static let commands: [any AsyncParsableCommand.Type] = [Ingress.self, Worker.self, Web.self, WxSim.self]

    /// Runs the command named by the program's name (argv[0]'s last path component), else parses the first
    /// argument as the command.
    static func main() async {
        let arguments = CommandLine.arguments
        let calledAs = arguments.first.flatMap { $0.split(separator: "/").last }.map(String.init)
        let rest = Array(arguments.dropFirst())
        if let command = commands.first(where: { $0.configuration.commandName == calledAs }) {
            await command.main(rest)
        } else {
            await main(rest)
        }
    }
}
