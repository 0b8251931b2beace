import Hummingbird
import Logging
import Shared

/// Builds the ingress HTTP application; `Ingress.run()` and the tests call this same function.
func buildApplication(configuration: RelayConfiguration, redis: RedisClient, logger: Logger) -> some ApplicationProtocol {
    let router = Router()
    HealthController(redis: redis).addRoutes(to: router)
    return Application(
        router: router,
        configuration: .init(address: .hostname(configuration.ingressHost, port: configuration.ingressPort), serverName: "wechat-relay-ingress"),
        logger: logger
    )
}
