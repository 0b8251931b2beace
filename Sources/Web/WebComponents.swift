import AsyncHTTPClient
import CoreMetrics
import Hummingbird
import Logging
import NIOCore
import Shared

/// Everything `web` runs, built from its configuration and the Redis and HTTP clients it is given (as
/// `IngressComponents` and `WorkerComponents` are); `Web.run()` and the tests share it.
struct WebComponents: Sendable {
    let configuration: RelayConfiguration
    let settings: WebSettings
    let redis: RedisClient
    let httpClient: HTTPClient
    let metrics: WebMetrics
    let readiness: RedisReadiness
    let oauth: OAuthController
    let jssdk: JSSDKController
    let logger: Logger

    static func make(configuration: RelayConfiguration, settings: WebSettings, redis: RedisClient, httpClient: HTTPClient, logger: Logger) async -> WebComponents {
        let metrics = WebMetrics()
        let api = WeChatAPIClient(baseURL: configuration.apiBase, httpClient: httpClient)
        let secret = configuration.appSecret ?? ""
        let keys = WebKeys(appID: configuration.appID)
        let tokens = AccessTokenProvider(
            redis: redis, api: api, appID: configuration.appID, secret: secret, logger: Logger(label: "web.token")
        ) { event in
            if case .fetched = event { metrics.tokenRefreshes.increment() }
        }
        let tickets = JSAPITicketProvider(tokens: tokens, logger: Logger(label: "web.jsapi-ticket")) { event in
            if case .fetched = event { metrics.ticketFetches.increment() }
        }
        let client = WebAuthClient(api: api, appID: configuration.appID, secret: secret)
        let states = OAuthStateStore(redis: redis, keys: keys)
        let profiles = WebUserProfiles(redis: redis, keys: keys, client: client, logger: logger)
        let exchange = CodeExchange(redis: redis, keys: keys, states: states, client: client, profiles: profiles, logger: logger)
        let signer = await SessionSigner.make(secret: settings.sessionSecret, appID: configuration.appID, lifetimeSeconds: settings.sessionLifetimeSeconds)
        let oauth = OAuthController(
            settings: settings, appID: configuration.appID, states: states, exchange: exchange, signer: signer,
            handoff: HandoffTickets(redis: redis, keys: keys), profiles: profiles, metrics: metrics, logger: logger)
        let jssdk = JSSDKController(settings: settings, appID: configuration.appID, tickets: tickets, metrics: metrics, logger: logger)
        return WebComponents(
            configuration: configuration, settings: settings, redis: redis, httpClient: httpClient, metrics: metrics,
            readiness: RedisReadiness(redis: redis), oauth: oauth, jssdk: jssdk, logger: logger)
    }

    /// The routes: OAuth and JS-SDK (rate limited), the demo page, health, readiness and metrics.
    func router() -> Router<WebRequestContext> {
        let router = Router(context: WebRequestContext.self)
        let metrics = self.metrics
        let limited = router.group()
            .add(
                middleware: RateLimitMiddleware(limit: settings.rateLimitPerMinute, trustForwardedFor: settings.trustForwardedFor) {
                    metrics.rateLimited.increment()
                })
        oauth.addRoutes(to: limited)
        jssdk.addRoutes(to: limited)
        if settings.demoPage {
            let page = DemoPage.html(jssdkScript: settings.jssdkScript)
            router.get("/demo") { _, _ in WebPage.html(.ok, page) }
            router.get("/") { _, _ in WebPage.redirect(to: "/demo") }
        }
        // WeChat's console checks a domain by fetching MP_verify_XXXX.txt at its root, which holds XXXX.
        for code in settings.verificationCodes {
            router.get(RouterPath("/MP_verify_\(code).txt")) { _, _ in
                Response.plainText(.ok, code)
            }
        }
        ServiceEndpoints(readiness: readiness, metrics: { metrics.render() }).addRoutes(to: router)
        return router
    }

    func application() -> some ApplicationProtocol {
        let logger = self.logger
        let settings = self.settings
        return Application(
            router: router(),
            server: .http1(configuration: .init(idleTimeout: .seconds(30))),
            configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: "wechat-relay-web"),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? settings.port
                logger.info("web on http://\(settings.host):\(port)\(settings.demoPage ? "; demo page at \(settings.publicBase)/demo" : "")")
            },
            logger: logger
        )
    }
}
