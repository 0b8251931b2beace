import ArgumentParser
import AsyncHTTPClient
import Hummingbird
import Logging
import ServiceLifecycle
import Shared
import UnixSignals

/// The `web` command (the `web` executable, or `wechat-relay web`): the pages side of an Official Account (web-page OAuth, JS-SDK signatures),
/// beside the ingress and the worker, sharing their Redis; never on the 5-second push path.
public struct Web: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "web",
        abstract: "Signs WeChat users in on web pages (OAuth) and signs pages for the JS-SDK.",
        discussion: "Every option mirrors an environment variable; the flag wins when both are set."
    )

    @Option(name: .customLong("redis-url"), help: "Redis shared with the other services (REDIS_URL).")
    var redisURL: String?

    @Option(help: "Address to listen on (WEB_HOST).")
    var host: String?

    @Option(help: "Port to listen on (WEB_PORT).")
    var port: Int?

    public init() {}

    public func run() async throws {
        ProcessEnvironment.bootstrapLogging()
        let logger = Logger(label: "web")
        let configuration: RelayConfiguration
        let settings: WebSettings
        do {
            let environment = ProcessEnvironment.variables(overriding: [
                "REDIS_URL": redisURL, "WEB_HOST": host, "WEB_PORT": port.map(String.init),
            ])
            configuration = try RelayConfiguration(role: .web, environment: environment)
            settings = try WebSettings(environment: environment)
        } catch {
            ProcessEnvironment.printError("web: \(error)")
            throw ExitCode(2)
        }
        let redis = RedisClient(configuration: configuration.redisClientConfiguration, logger: Logger(label: "web.redis"))
        let httpClient = WeChatAPIClient.makeHTTPClient(concurrency: 16)
        let components = await WebComponents.make(configuration: configuration, settings: settings, redis: redis, httpClient: httpClient, logger: logger)
        await redis.checkReachable(logger: logger)
        let group = ServiceGroup(
            services: [redis, RedisReadinessService(readiness: components.readiness), components.application()],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        )
        do {
            try await group.run()
        } catch {
            logger.error("web stopped: \(error)")
        }
        try? await httpClient.shutdown()
        logger.info("web stopped")
    }
}
