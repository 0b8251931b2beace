import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import Shared

/// Everything the ingress runs, built from its configuration and the Redis client it is given (as
/// `WorkerComponents` and `WebComponents` are); `Ingress.run()` and the tests share it.
struct IngressComponents: Sendable {
    let configuration: RelayConfiguration
    let settings: IngressSettings
    let redis: RedisClient
    /// The single (or first) account's queue: the backlog the monitor watches.
    let queue: InboundQueue
    /// Every account served, by appid (``IngressAccounts``), replaced on SIGHUP.
    let accounts: IngressAccounts
    let batcher: EnqueueBatcher
    let spool: Spool
    let probe: ReadinessProbe
    let metrics: IngressMetrics
    let callbackIPs: CallbackIPList
    /// The requests waiting for passive replies, for every account in `passive` or `hybrid` mode.
    let passiveWaiters: PassiveWaiters
    let logger: Logger

    /// Opens the spool and prepares the queue; throws only for an unusable AES key.
    static func make(configuration: RelayConfiguration, settings: IngressSettings, redis: RedisClient, logger: Logger) async throws(MessageCryptoError) -> IngressComponents {
        let spool = await Spool.open(directory: settings.spoolDirectory, maximumBytes: settings.spoolMaximumBytes) { line in
            logger.warning("\(line)")
        }
        if spool.gauge.records > 0 {
            logger.info("the spool holds \(spool.gauge.records) messages from an earlier run; they will be replayed when Redis answers")
        }
        if configuration.accounts.contains(where: { $0.aesKey != nil }), settings.acceptPlaintext {
            logger.warning(
                "WECHAT_ACCEPT_PLAINTEXT=true: unencrypted pushes are accepted although an EncodingAESKey is set; anyone who saw a push URL can inject messages. Unset it once the console is in safe mode"
            )
        }
        let accounts = try IngressAccounts(configuration: configuration, settings: settings, redis: redis)
        let queue = InboundQueue(redis: redis, keys: QueueKeys(appID: configuration.appID), dedupWindowSeconds: settings.dedupWindowSeconds, maximumLength: settings.streamMaximumLength)
        if configuration.accounts.count > 1 {
            logger.info("serving \(configuration.accounts.count) accounts: \(configuration.accounts.map { "\($0.name) at \(settings.path)/\($0.appID)" }.joined(separator: ", "))")
        }
        return IngressComponents(
            configuration: configuration, settings: settings, redis: redis, queue: queue, accounts: accounts, batcher: EnqueueBatcher(queue: queue, deadline: settings.enqueueDeadline), spool: spool,
            probe: ReadinessProbe(url: redis.configuration.url, io: redis.configuration.io), metrics: IngressMetrics(),
            callbackIPs: CallbackIPList(redis: redis, keys: queue.keys, logger: logger),
            passiveWaiters: PassiveWaiters(redis: redis, maximumWaiting: settings.passiveMaximumWaiting, logger: logger), logger: logger)
    }

    /// The HTTP application: WeChat's callback, health, readiness and metrics.
    func application() -> some ApplicationProtocol {
        let router = Router(context: IngressRequestContext.self)
        var controller = WeChatController(accounts: accounts, settings: settings, batcher: batcher, spool: spool, metrics: metrics, logger: logger, callbackIPs: callbackIPs)
        controller.passiveWaiters = passiveWaiters
        controller.addRoutes(to: router)
        HealthController(probe: probe, spool: spool, settings: settings, metrics: metrics).addRoutes(to: router)
        return Application(
            router: router,
            // The idle timeout also bounds a request head sent byte by byte (slowloris): the timer restarts
            // only when a whole head (or body part) has arrived.
            server: .http1(
                configuration: .init(
                    additionalChannelHandlers: [RequestDeadlineHandler(timeout: TimeAmount(settings.requestTimeout))],
                    idleTimeout: TimeAmount(settings.idleTimeout))),
            configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: "wechat-relay-ingress"),
            logger: logger
        )
    }

    /// The background services: the enqueue batcher, replaying the spool, watching the queue, the
    /// readiness probe, re-reading the callback IP list (none with `INGRESS_SOURCE_CHECK=off`). The passive
    /// waiters' wake-up loop (``passiveWaiters``) is started beside them by `Ingress.run()`.
    var backgroundServices: (batcher: EnqueueBatcher, drainer: SpoolDrainer, monitor: QueueMonitorService, probe: ReadinessProbe, callbackIPs: CallbackIPList?, reload: AccountsReloadService) {
        (
            batcher, SpoolDrainer(spool: spool, queue: queue, logger: logger), QueueMonitorService(queue: queue, accounts: accounts, spool: spool, metrics: metrics, logger: logger), probe,
            settings.sourceCheck.mode == .off ? nil : callbackIPs, AccountsReloadService(accounts: accounts, logger: logger)
        )
    }
}
