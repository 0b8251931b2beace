import ArgumentParser
import AsyncHTTPClient
import Logging
import Shared

/// What the account commands (`worker menu`, `worker qrcode`) need to call WeChat: the AppID and
/// AppSecret, the API base and Redis for the shared access_token (flags or `WECHAT_APPID`,
/// `WECHAT_APPSECRET`, `WECHAT_API_BASE`, `REDIS_URL`, `WECHAT_TOKEN_API`), like the service itself.
struct AccountOptions: ParsableArguments {
    @Option(name: .customLong("redis-url"), help: "Redis holding the shared access_token (REDIS_URL).")
    var redisURL: String?

    @Option(name: .customLong("appid"), help: "The account's AppID (WECHAT_APPID).")
    var appID: String?

    @Option(name: .customLong("account"), help: "The account by name or appid, from WECHAT_ACCOUNTS or the WECHAT_* variables.")
    var account: String?

    @Option(name: .customLong("api-base"), help: "WeChat's API, or a fake's URL (WECHAT_API_BASE).")
    var apiBase: String?

    /// The clients, or exit 2 with one line naming the problem. Call ``AccountSession/close()`` when done.
    func session(command: String) throws -> AccountSession {
        var environment = ProcessEnvironment.variables(overriding: ["REDIS_URL": redisURL, "WECHAT_API_BASE": apiBase])
        do {
            // An appid the accounts file holds is taken from there (with its secret); another one replaces WECHAT_APPID.
            let fileAccounts = try environment["WECHAT_ACCOUNTS"].map { try AccountsFile.load(path: $0, role: .tools, environment: environment) } ?? []
            if let appID, !fileAccounts.contains(where: { $0.appID == appID }) { environment["WECHAT_APPID"] = appID }
            let configuration = try RelayConfiguration(role: .worker, environment: environment)
            let wanted = account ?? appID
            guard let chosen = wanted.map({ name in configuration.accounts.first { $0.isCalled(name) } }) ?? configuration.accounts.first else {
                throw ConfigurationError(variable: "--account", problem: "names \(wanted ?? ""), which is not configured (accounts: \(configuration.accounts.map(\.name).joined(separator: ", ")))")
            }
            let kindName = EnvironmentReader(environment).string("WECHAT_TOKEN_API") ?? "stable"
            guard let kind = TokenAPIKind(rawValue: kindName.lowercased()) else {
                throw ConfigurationError(variable: "WECHAT_TOKEN_API", problem: "must be stable or classic, got '\(kindName)'")
            }
            var redisConfiguration = configuration.redisClientConfiguration
            redisConfiguration.poolSize = 1
            let redis = RedisClient(configuration: redisConfiguration, logger: Logger(label: "worker.redis"))
            let httpClient = WeChatAPIClient.makeHTTPClient(concurrency: 2)
            let client = WeChatAPIClient(baseURL: configuration.apiBase, httpClient: httpClient)
            let tokens = AccessTokenProvider(
                redis: redis, api: client, appID: chosen.appID, secret: chosen.secret ?? "", kind: kind, logger: Logger(label: "worker.token"))
            return AccountSession(redis: redis, httpClient: httpClient, api: AccountAPI(tokens: tokens))
        } catch {
            ProcessEnvironment.printError("worker \(command): \(error)")
            throw ExitCode(2)
        }
    }
}

/// The clients of one account command, closed by ``close()``.
struct AccountSession: Sendable {
    let redis: RedisClient
    let httpClient: HTTPClient
    let api: AccountAPI

    /// Runs `body`, then closes the clients; a WeChat or Redis failure is one line on standard error and exit 1.
    func run<T: Sendable>(_ command: String, _ body: (AccountAPI) async throws -> T) async throws -> T {
        defer { redis.close() }
        do {
            let result = try await body(api)
            try? await httpClient.shutdown()
            return result
        } catch let exit as ExitCode {
            try? await httpClient.shutdown()
            throw exit
        } catch {
            try? await httpClient.shutdown()
            ProcessEnvironment.printError("worker \(command): \(error)")
            throw ExitCode(1)
        }
    }
}
