import ArgumentParser
import Shared
import WeChatFake

/// The Official Account a simulated user writes to: the ingress URL, Token, AppID and EncodingAESKey
/// (flags, else the environment, else ``DemoAccount``), turned into a ``WeChatPusher``.
struct AccountOptions: ParsableArguments {
    @Option(name: .customLong("to"), help: "The account's URL, as set in the WeChat console.")
    var endpoint = "http://127.0.0.1:8080/wechat"

    @Option(help: "The Token (WECHAT_TOKEN; demo: \(DemoAccount.token)).")
    var token: String?

    @Option(name: .customLong("appid"), help: "The AppID (WECHAT_APPID; demo: \(DemoAccount.appID)).")
    var appID: String?

    @Option(name: .customLong("aes-key"), help: "The EncodingAESKey (WECHAT_AES_KEY; the demo's when the demo account is used).")
    var aesKey: String?

    @Option(help: "plaintext, compatible or safe (default: safe when there is an EncodingAESKey).")
    var mode: WeChatPusher.Mode?

    /// The pusher, or exit 2 with one line naming the problem.
    func pusher() throws -> WeChatPusher {
        let environment = ProcessEnvironment.variables(overriding: ["WECHAT_TOKEN": token, "WECHAT_APPID": appID, "WECHAT_AES_KEY": aesKey])
        let reader = EnvironmentReader(environment)
        let usesDemo = reader.string("WECHAT_APPID") == nil
        let key = reader.string("WECHAT_AES_KEY") ?? (usesDemo ? DemoAccount.encodingAESKey : nil)
        do {
            return try WeChatPusher(
                endpoint: endpoint, token: reader.string("WECHAT_TOKEN") ?? DemoAccount.token,
                appID: reader.string("WECHAT_APPID") ?? DemoAccount.appID,
                encodingAESKey: mode == .plaintext ? nil : key, mode: mode)
        } catch {
            ProcessEnvironment.printError("wxsim: \(error)")
            throw ExitCode(2)
        }
    }
}

extension WeChatPusher.Mode: ExpressibleByArgument {}
