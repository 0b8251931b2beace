import ArgumentParser

/// `wxsim`: WeChat on a laptop. A fake `api.weixin.qq.com` (`api`), a user sending messages to the
/// ingress as WeChat would (`send`, `chat`), an end-to-end load generator (`load`), and a user's browser
/// signing in on a web page (`oauth`). Run as the `wxsim` executable or as `wechat-relay wxsim`.
public struct WxSim: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "wxsim",
        abstract: "A local WeChat: fake API, simulated users, end-to-end load.",
        discussion: """
            Credentials come from the flags, else WECHAT_TOKEN, WECHAT_APPID, WECHAT_APPSECRET and \
            WECHAT_AES_KEY, else the demo account that `make run` uses.
            """,
        subcommands: [APICommand.self, SendCommand.self, ChatCommand.self, LoadCommand.self, ProbeCommand.self, OAuthCommand.self]
    )

    public init() {}
}
