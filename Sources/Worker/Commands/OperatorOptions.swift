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
    func connect() throws -> (RedisClient, QueueKeys) {
        let environment = ProcessEnvironment.variables(overriding: ["REDIS_URL": redisURL, "WECHAT_APPID": appID])
        let reader = EnvironmentReader(environment)
        do {
            guard let appID = reader.string("WECHAT_APPID") else { throw ConfigurationError.missing("WECHAT_APPID") }
            let url: RedisURL
            do {
                url = try RedisURL(parsing: reader.string("REDIS_URL") ?? "redis://127.0.0.1:6379/0")
            } catch {
                throw ConfigurationError(variable: "REDIS_URL", problem: "is invalid: \(error)")
            }
            let redis = RedisClient(configuration: RedisClientConfiguration(url: url, poolSize: 1), logger: Logger(label: "worker.redis"))
            return (redis, QueueKeys(appID: appID))
        } catch {
            ProcessEnvironment.printError("worker: \(error)")
            throw ExitCode(2)
        }
    }
}
