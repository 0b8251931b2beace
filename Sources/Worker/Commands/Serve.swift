import ArgumentParser
import Logging
import ServiceLifecycle
import Shared

/// `worker` / `worker serve`: the service itself.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Run the worker service (the default).")

    @Option(name: .customLong("redis-url"), help: "Redis to consume from (REDIS_URL).")
    var redisURL: String?

    @Option(help: "Messages handled at once by this process (WORKER_CONCURRENCY), shared fairly by its accounts.")
    var concurrency: Int?

    @Option(name: .customLong("account"), help: "Serve only this account (name or appid; repeatable; WORKER_ACCOUNTS). Default: every configured account.")
    var accounts: [String] = []

    func run() async throws {
        EventLoopTaskExecutor.installUnlessDisabled()
        ProcessEnvironment.bootstrapLogging()
        let logger = Logger(label: "worker")
        let environment = ProcessEnvironment.variables(overriding: [
            "REDIS_URL": redisURL, "WORKER_CONCURRENCY": concurrency.map(String.init),
        ])
        let configuration: RelayConfiguration
        let settings: WorkerSettings
        let tracer: (any Service)?
        do {
            configuration = try RelayConfiguration(role: .worker, environment: environment)
            settings = try WorkerSettings(environment: environment)
            tracer = try TracingSetup(role: "worker", environment: environment).bootstrap(logger: logger)
        } catch {
            ProcessEnvironment.printError("worker: \(error)")
            throw ExitCode(2)
        }
        let redis = RedisClient(configuration: configuration.redisClientConfiguration, logger: Logger(label: "worker.redis"))
        let components: WorkerComponents
        do {
            components = try WorkerComponents.make(configuration: configuration, settings: settings, redis: redis, only: accounts, logger: logger)
        } catch {
            ProcessEnvironment.printError("worker: \(error)")
            redis.close()
            throw ExitCode(2)
        }
        await redis.checkReachable(logger: logger)
        try await components.run(tracer: tracer)
        logger.info("worker stopped")
    }
}
