import ArgumentParser
import Logging
import Shared

/// What the operator subcommands need: Redis and the AppID (flags or `REDIS_URL` / `WECHAT_APPID`).
struct OperatorOptions: ParsableArguments {
    @Option(name: .customLong("redis-url"), help: "Redis (REDIS_URL).")
    var redisURL: String?

    @Option(name: .customLong("appid"), help: "The AppID whose queue to inspect (WECHAT_APPID).")
    var appID: String?

    /// A Redis client and the queue keys, or exit 2 with one line naming the problem.
    @Option(name: .customLong("account"), help: "The account (name or appid in WECHAT_ACCOUNTS) whose queue to inspect.")
    var account: String?

    /// Redis and the chosen account's keys; exit 2 with one line when none or several could be meant.
    func connect() throws -> (RedisClient, QueueKeys) {
        let (redis, accounts) = try connectAll()
        guard accounts.count == 1 else {
            redis.close()
            ProcessEnvironment.printError("worker: several accounts are configured (\(accounts.map(\.name).joined(separator: ", "))); choose one with --account")
            throw ExitCode(2)
        }
        return (redis, accounts[0].queueKeys)
    }

    /// Redis and the accounts meant: `--appid`, else `--account`, else every configured account.
    func connectAll() throws -> (RedisClient, [WeChatAccount]) {
        let environment = ProcessEnvironment.variables(overriding: ["REDIS_URL": redisURL])
        let reader = EnvironmentReader(environment)
        do {
            let accounts: [WeChatAccount]
            if let appID {
                accounts = [WeChatAccount(appID: appID)]
            } else {
                let configuration = try RelayConfiguration(role: .tools, environment: environment)
                if let account {
                    guard let chosen = configuration.accounts.first(where: { $0.isCalled(account) }) else {
                        throw ConfigurationError(variable: "--account", problem: "names \(account), which is not configured (accounts: \(configuration.accounts.map(\.name).joined(separator: ", ")))")
                    }
                    accounts = [chosen]
                } else {
                    accounts = configuration.accounts
                }
            }
            let url: RedisURL
            do {
                url = try RedisURL(parsing: reader.string("REDIS_URL") ?? "redis://127.0.0.1:6379/0")
            } catch {
                throw ConfigurationError(variable: "REDIS_URL", problem: "is invalid: \(error)")
            }
            let redis = RedisClient(configuration: RedisClientConfiguration(url: url, poolSize: 1), logger: Logger(label: "worker.redis"))
            return (redis, accounts)
        } catch {
            ProcessEnvironment.printError("worker: \(error)")
            throw ExitCode(2)
        }
    }
}
