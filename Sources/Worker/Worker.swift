import ArgumentParser
import Logging
import ServiceLifecycle
import Shared
import UnixSignals

/// The `worker` executable: reads the configuration, then consumes the inbound stream until SIGTERM/SIGINT.
@main
struct Worker: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Consumes queued WeChat messages, runs the business logic and sends the replies.",
        discussion: "Every option mirrors an environment variable; the flag wins when both are set."
    )

    @Option(name: .customLong("redis-url"), help: "Redis to consume from (REDIS_URL).")
    var redisURL: String?

    @Option(help: "Messages handled at once by this process (WORKER_CONCURRENCY).")
    var concurrency: Int?

    func run() async throws {
        ProcessEnvironment.bootstrapLogging()
        let logger = Logger(label: "worker")
        let configuration: RelayConfiguration
        do {
            let environment = ProcessEnvironment.variables(overriding: [
                "REDIS_URL": redisURL, "WORKER_CONCURRENCY": concurrency.map(String.init),
            ])
            configuration = try RelayConfiguration(role: .worker, environment: environment)
        } catch {
            ProcessEnvironment.printError("worker: \(error)")
            throw ExitCode(2)
        }

        let redis = RedisClient(configuration: configuration.redisClientConfiguration, logger: Logger(label: "worker.redis"))
        let consumer = ConsumerService(redis: redis, keys: QueueKeys(appID: configuration.appID), logger: logger)
        let group = ServiceGroup(
            services: [redis, consumer],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        )
        try await group.run()
        logger.info("worker stopped")
    }
}
