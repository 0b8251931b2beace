import ArgumentParser
import Shared
import WeChatFake

/// The Official Account a simulated user writes to, turned into a ``WeChatPusher``: either one account
/// by `--account NAME|APPID` (an entry of the accounts file, `--accounts` or `WECHAT_ACCOUNTS`, else one of
/// the ``DemoAccount``s), pushed to `<--to>/{appid}`; or the URL, Token, AppID, EncodingAESKey and original
/// id from the flags, else the environment (`WECHAT_*`), else ``DemoAccount/demo``.
struct AccountOptions: ParsableArguments {
    static let defaultEndpoint = "http://127.0.0.1:8080/wechat"

    @Option(name: .customLong("to"), help: "The account's URL, as set in the WeChat console (with --account: the base /{appid} is added to).")
    var endpoint = Self.defaultEndpoint

    @Option(
        help: ArgumentHelp(
            "An account by name or AppID: an entry of the accounts file, else a demo account (\(DemoAccount.all.map(\.name).joined(separator: ", "))).",
            valueName: "name|appid"))
    var account: String?

    @Option(name: .customLong("accounts"), help: "The accounts file --account reads (WECHAT_ACCOUNTS; neither: the demo accounts).")
    var accountsFile: String?

    @Option(help: "The Token (WECHAT_TOKEN; demo: \(DemoAccount.token)).")
    var token: String?

    @Option(name: .customLong("appid"), help: "The AppID (WECHAT_APPID; demo: \(DemoAccount.appID)).")
    var appID: String?

    @Option(name: .customLong("aes-key"), help: "The EncodingAESKey (WECHAT_AES_KEY; the demo's when the demo account is used).")
    var aesKey: String?

    @Option(name: .customLong("original-id"), help: "The account's gh_ id, the pushes' ToUserName (WECHAT_ORIGINAL_ID; demo: \(DemoAccount.originalID)).")
    var originalID: String?

    @Option(help: "plaintext, compatible or safe (default: safe when there is an EncodingAESKey).")
    var mode: WeChatPusher.Mode?

    func validate() throws {
        if account != nil, token != nil || appID != nil || aesKey != nil || originalID != nil {
            throw ValidationError("--account brings its own Token, AppID, EncodingAESKey and original id: leave out --token, --appid, --aes-key and --original-id")
        }
        if accountsFile != nil, account == nil { throw ValidationError("--accounts goes with --account NAME|APPID") }
    }

    /// The pusher, or exit 2 with one line naming the problem.
    func pusher() throws -> WeChatPusher {
        do {
            return try pusher(environment: ProcessEnvironment.variables(overriding: [:]))
        } catch {
            ProcessEnvironment.printError("wxsim: \(error)")
            throw ExitCode(2)
        }
    }

    /// The pusher these options describe, with `environment` for everything the flags leave out.
    func pusher(environment: [String: String]) throws -> WeChatPusher {
        let reader = EnvironmentReader(environment)
        if let account {
            let chosen = try Self.account(account, file: accountsFile ?? reader.string("WECHAT_ACCOUNTS"), environment: environment)
            guard let accountToken = chosen.token else { throw SimulatorError("account \(chosen.name) has no token") }
            return try WeChatPusher(
                endpoint: Self.endpoint(base: endpoint, appID: chosen.appID), token: accountToken, appID: chosen.appID,
                encodingAESKey: mode == .plaintext ? nil : chosen.aesKey, mode: mode,
                originalID: chosen.originalID ?? Self.unknownOriginalID)
        }
        let given = EnvironmentReader(
            environment.merging(
                [("WECHAT_TOKEN", token), ("WECHAT_APPID", appID), ("WECHAT_AES_KEY", aesKey), ("WECHAT_ORIGINAL_ID", originalID)]
                    .compactMap { name, value in value.map { (name, $0) } },
                uniquingKeysWith: { _, flag in flag }))
        let usesDemo = given.string("WECHAT_APPID") == nil
        let key = given.string("WECHAT_AES_KEY") ?? (usesDemo ? DemoAccount.encodingAESKey : nil)
        return try WeChatPusher(
            endpoint: endpoint, token: given.string("WECHAT_TOKEN") ?? DemoAccount.token,
            appID: given.string("WECHAT_APPID") ?? DemoAccount.appID,
            encodingAESKey: mode == .plaintext ? nil : key, mode: mode,
            originalID: given.string("WECHAT_ORIGINAL_ID") ?? DemoAccount.originalID)
    }

    /// The `ToUserName` for an accounts-file entry without `original_id` (the ingress then checks none).
    static let unknownOriginalID = "gh_wxsim"

    /// The account `nameOrAppID` names: an entry of the accounts file at `file` (its token and keys
    /// resolved as the ingress resolves them), or, without a file, a demo account.
    static func account(_ nameOrAppID: String, file: String?, environment: [String: String]) throws -> WeChatAccount {
        guard let file else {
            guard let demo = DemoAccount.named(nameOrAppID) else {
                throw SimulatorError(
                    "no demo account '\(nameOrAppID)' (there are \(DemoAccount.all.map(\.name).joined(separator: ", "))); "
                        + "give --accounts FILE or WECHAT_ACCOUNTS for your own")
            }
            return WeChatAccount(appID: demo.appID, originalID: demo.originalID, token: demo.token, aesKey: demo.aesKey, name: demo.name)
        }
        // As the ingress reads it: every token and key resolved, no AppSecret needed.
        let entries = try AccountsFile.load(path: file, role: .ingress, environment: environment)
        guard let entry = entries.first(where: { $0.isCalled(nameOrAppID) }) else {
            throw SimulatorError("no account '\(nameOrAppID)' in \(file) (it has \(entries.map(\.name).joined(separator: ", ")))")
        }
        return entry
    }

    /// `base` with `/{appid}` added to its path, unless it already ends with it: `http://127.0.0.1:8080/wechat`
    /// becomes `http://127.0.0.1:8080/wechat/wx…`.
    static func endpoint(base: String, appID: String) -> String {
        let parts = base.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        var path = Substring(parts[0])
        while path.hasSuffix("/") { path.removeLast() }
        let query = parts.count > 1 ? "?" + parts[1] : ""
        if path.hasSuffix("/" + appID) { return path + query }
        return path + "/" + appID + query
    }
}

extension WeChatPusher.Mode: ExpressibleByArgument {}
