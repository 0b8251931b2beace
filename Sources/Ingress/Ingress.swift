import ArgumentParser
import Hummingbird
import Logging
import ServiceLifecycle
import Shared
import UnixSignals

/// The `ingress` command: reads the configuration, then serves WeChat's callbacks until SIGTERM/SIGINT.
/// Run as the `ingress` executable or as `wechat-relay ingress` (Sources/Relay).
public struct Ingress: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "ingress",
        abstract: "Receives WeChat's pushes, queues them in Redis and answers within milliseconds.",
        discussion: "Every option mirrors an environment variable; the flag wins when both are set."
    )

    @Option(name: .customLong("redis-url"), help: "Redis to queue into (REDIS_URL).")
    var redisURL: String?

    @Option(help: "Address to listen on (INGRESS_HOST).")
    var host: String?

    @Option(help: "Port to listen on (INGRESS_PORT).")
    var port: Int?

    public init() {}

    public func run() async throws {
        EventLoopTaskExecutor.installUnlessDisabled()
        ProcessEnvironment.bootstrapLogging()
        let logger = Logger(label: "ingress")
        let configuration: RelayConfiguration
        let settings: IngressSettings
        let tracer: (any Service)?
        do {
            let environment = ProcessEnvironment.variables(overriding: [
                "REDIS_URL": redisURL, "INGRESS_HOST": host, "INGRESS_PORT": port.map(String.init),
            ])
            configuration = try RelayConfiguration(role: .ingress, environment: environment)
            settings = try IngressSettings(environment: environment)
            tracer = try TracingSetup(role: "ingress", environment: environment).bootstrap(logger: logger)
        } catch {
            ProcessEnvironment.printError("ingress: \(error)")
            throw ExitCode(2)
        }

        let redis = RedisClient(configuration: configuration.redisClientConfiguration, logger: Logger(label: "ingress.redis"))
        let components: IngressComponents
        let application: any ApplicationProtocol
        do {
            components = try await IngressComponents.make(configuration: configuration, settings: settings, redis: redis, logger: logger)
            application = components.application()
        } catch {
            ProcessEnvironment.printError("ingress: configuration error: an EncodingAESKey (WECHAT_AES_KEY or aes_key) is unusable: \(error)")
            throw ExitCode(2)
        }
        await redis.checkReachable(logger: logger)
        let (batcher, drainer, monitor, probe, callbackIPs, reload) = components.backgroundServices
        // Shutdown runs in reverse: the HTTP server stops first (finishing requests in flight), then the
        // monitor, then the drainer makes a last replay attempt, then the batcher sends what waits, and
        // Redis closes last; the trace exporter (when on) after it, flushing every span.
        let group = ServiceGroup(
            services: (tracer.map { [$0] } ?? []) + [redis, batcher, drainer, monitor, probe, reload, components.passiveWaiters] + (callbackIPs.map { [$0] } ?? []) + [application],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        )
        try await group.run()
        components.spool.close()
        logger.info("ingress stopped")
    }
}
