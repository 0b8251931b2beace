/// The settings more than one service reads from the environment, validated once at start-up: Redis, the
/// account or accounts (`WECHAT_*`, `WECHAT_ACCOUNTS`) and the API base. Each service reads its own
/// variables beside it (`IngressSettings`, `WorkerSettings`, `WebSettings`: its listen address, its
/// concurrency, its rules…), with the same ``EnvironmentReader``. Every variable,
/// with its default, is in README's Configuration table (`DocumentedVariablesTests` keeps the two in step).
public struct RelayConfiguration: Sendable {
    /// Which service is reading: each requires its own variables.
    public enum Role: String, Sendable {
        case ingress, worker, web
        /// The operator's commands (`worker status`, …): only names and appids are needed.
        case tools
    }

    public var redisURL: RedisURL
    public var redisPoolSize: Int
    /// Who does the Redis socket I/O (`RELAY_REDIS_IO`): the event loops (default) or a thread per connection.
    public var redisIO: RedisIO
    public var wechatToken: String?
    public var appID: String
    public var appSecret: String?
    public var aesKey: String?
    public var previousAESKey: String?
    public var apiBase: String
    /// The single account the `WECHAT_*` variables describe (`WECHAT_ORIGINAL_ID`, `WECHAT_REPLY_MODE`,
    /// `WECHAT_PASSIVE_BUDGET_MS`, `WECHAT_PASSIVE_PLACEHOLDER` included).
    public var account: WeChatAccount
    /// Every account this deployment serves: the `WECHAT_*` account (when `WECHAT_APPID` is set) first,
    /// then the accounts file's (`WECHAT_ACCOUNTS`). ``account`` is the first of them.
    public var accounts: [WeChatAccount]
    /// The appid of the `WECHAT_*` account, nil when every account comes from the accounts file.
    public var singleAccountAppID: String?
    /// The accounts file, re-read on SIGHUP.
    public var accountsFile: String?

    /// Reads and validates the variables `role` needs; the first problem found is thrown.
    public init(role: Role, environment: [String: String]) throws(ConfigurationError) {
        let reader = EnvironmentReader(environment)
        func value(_ name: String) -> String? { reader.string(name) }
        func required(_ name: String) throws(ConfigurationError) -> String { try reader.required(name) }
        func integer(_ name: String, default fallback: Int, in range: ClosedRange<Int>) throws(ConfigurationError) -> Int {
            try reader.integer(name, default: fallback, in: range)
        }

        do {
            redisURL = try RedisURL(parsing: value("REDIS_URL") ?? "redis://127.0.0.1:6379/0")
        } catch {
            throw ConfigurationError(variable: "REDIS_URL", problem: "is invalid: \(error)")
        }
        redisPoolSize = try integer("REDIS_POOL_SIZE", default: 4, in: 1...256)
        guard let io = RedisIO(environmentValue: value("RELAY_REDIS_IO")) else {
            throw ConfigurationError(variable: "RELAY_REDIS_IO", problem: "must be event-loops or threads, got '\(value("RELAY_REDIS_IO") ?? "")'")
        }
        redisIO = io
        accountsFile = value("WECHAT_ACCOUNTS")
        var fileAccounts: [WeChatAccount] = []
        if let accountsFile { fileAccounts = try AccountsFile.load(path: accountsFile, role: role, environment: environment) }
        // With an accounts file, the WECHAT_* account is optional: the file may hold every account.
        let hasSingleAccount = value("WECHAT_APPID") != nil || fileAccounts.isEmpty
        if hasSingleAccount {
            appID = try required("WECHAT_APPID")
            wechatToken = role == .ingress ? try required("WECHAT_TOKEN") : value("WECHAT_TOKEN")
            appSecret = role == .worker || role == .web ? try required("WECHAT_APPSECRET") : value("WECHAT_APPSECRET")
            aesKey = try Self.aesKey(value("WECHAT_AES_KEY"), variable: "WECHAT_AES_KEY")
            previousAESKey = try Self.aesKey(value("WECHAT_AES_KEY_PREVIOUS"), variable: "WECHAT_AES_KEY_PREVIOUS")
        } else {
            let first = fileAccounts[0]
            appID = first.appID
            wechatToken = first.token
            appSecret = first.secret
            aesKey = first.aesKey
            previousAESKey = first.previousAESKey
        }
        apiBase = value("WECHAT_API_BASE") ?? "https://api.weixin.qq.com"
        guard apiBase.hasPrefix("http://") || apiBase.hasPrefix("https://") else {
            throw ConfigurationError(variable: "WECHAT_API_BASE", problem: "must start with http:// or https://")
        }
        let modeName = value("WECHAT_REPLY_MODE") ?? "async"
        guard let replyMode = ReplyMode(rawValue: modeName.lowercased()) else {
            throw ConfigurationError(variable: "WECHAT_REPLY_MODE", problem: "must be async, passive or hybrid, got '\(modeName)'")
        }
        let single = WeChatAccount(
            appID: appID, originalID: value("WECHAT_ORIGINAL_ID"), token: wechatToken, aesKey: aesKey, previousAESKey: previousAESKey,
            secret: appSecret, replyMode: replyMode,
            passiveBudget: .milliseconds(try integer("WECHAT_PASSIVE_BUDGET_MS", default: 4_000, in: Self.passiveBudgetRange)),
            passivePlaceholder: value("WECHAT_PASSIVE_PLACEHOLDER") ?? WeChatAccount.defaultPassivePlaceholder)
        if hasSingleAccount, fileAccounts.contains(where: { $0.appID == single.appID }) {
            throw ConfigurationError(variable: "WECHAT_ACCOUNTS", problem: "lists \(single.appID), which WECHAT_APPID already configures; keep it in one place")
        }
        singleAccountAppID = hasSingleAccount ? appID : nil
        accounts = (hasSingleAccount ? [single] : []) + fileAccounts
        account = accounts[0]
    }

    /// The configured account with this appid.
    public func account(appID: String) -> WeChatAccount? { accounts.first { $0.appID == appID } }

    /// WeChat drops the connection after 5 s: the budget leaves room for the answer to travel.
    public static let passiveBudgetRange = 100...4_800

    /// Options for the service's ``RedisClient``.
    public var redisClientConfiguration: RedisClientConfiguration {
        RedisClientConfiguration(url: redisURL, poolSize: redisPoolSize, io: redisIO)
    }

    /// An EncodingAESKey is 43 characters of the base64 alphabet (WeChat's console generates it).
    private static func aesKey(_ key: String?, variable: String) throws(ConfigurationError) -> String? {
        guard let key else { return nil }
        guard EncodingAESKey.isWellFormed(key) else {
            throw ConfigurationError(variable: variable, problem: "must be the 43-character EncodingAESKey from the WeChat console")
        }
        return key
    }
}
