import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import Shared

/// Everything the ingress runs, built from its configuration; `Ingress.run()` and the tests share it.
struct IngressComponents: Sendable {
    let configuration: RelayConfiguration
    let settings: IngressSettings
    let redis: RedisClient
    let queue: InboundQueue
    let batcher: EnqueueBatcher
    let spool: Spool
    let probe: ReadinessProbe
    let metrics: IngressMetrics
    let callbackIPs: CallbackIPList
    /// The requests waiting for passive replies (`passive` and `hybrid` modes), nil in `async` mode.
    let passiveWaiters: PassiveWaiters?
    let logger: Logger

    /// Opens the spool and prepares the queue; throws only for an unusable AES key.
    static func make(configuration: RelayConfiguration, settings: IngressSettings, redis: RedisClient, logger: Logger) async throws(MessageCryptoError) -> IngressComponents {
        let spool = await Spool.open(directory: settings.spoolDirectory, maximumBytes: settings.spoolMaximumBytes) { line in
            logger.warning("\(line)")
        }
        if spool.gauge.records > 0 {
            logger.info("the spool holds \(spool.gauge.records) messages from an earlier run; they will be replayed when Redis answers")
        }
        if configuration.aesKey != nil, settings.acceptPlaintext {
            logger.warning("WECHAT_ACCEPT_PLAINTEXT=true: unencrypted pushes are accepted although WECHAT_AES_KEY is set; anyone who saw a push URL can inject messages. Unset it once the console is in safe mode")
        }
        let passiveWaiters = configuration.account.replyMode == .async ? nil : PassiveWaiters(
            board: PassiveReplyBoard(redis: redis, keys: QueueKeys(appID: configuration.appID)), maximumWaiting: settings.passiveMaximumWaiting,
            logger: logger)
        let queue = InboundQueue(redis: redis, keys: QueueKeys(appID: configuration.appID), dedupWindowSeconds: settings.dedupWindowSeconds, maximumLength: settings.streamMaximumLength)
        return IngressComponents(configuration: configuration, settings: settings, redis: redis, queue: queue, batcher: EnqueueBatcher(queue: queue, deadline: settings.enqueueDeadline), spool: spool,
                                  probe: ReadinessProbe(url: redis.configuration.url), metrics: IngressMetrics(),
                                  callbackIPs: CallbackIPList(redis: redis, keys: queue.keys, logger: logger), passiveWaiters: passiveWaiters, logger: logger)
    }

    /// The safe-mode crypto, when an EncodingAESKey is configured.
    func crypto() throws(MessageCryptoError) -> WeChatMessageCrypto? {
        guard let key = configuration.aesKey else { return nil }
        return try WeChatMessageCrypto(appID: configuration.appID, encodingAESKey: key, previousEncodingAESKey: configuration.previousAESKey)
    }

    /// The HTTP application: WeChat's callback, health, readiness and metrics.
    func application() throws(MessageCryptoError) -> some ApplicationProtocol {
        let router = Router(context: IngressRequestContext.self)
        let binding = PushBinding(redis: redis, keys: queue.keys, lifetimeSeconds: 2 * settings.timestampWindowSeconds + 1,
                                  deadline: min(settings.enqueueDeadline, .milliseconds(500)))
        var controller = WeChatController(configuration: configuration, settings: settings, crypto: try crypto(), batcher: batcher, spool: spool, binding: binding,
                                          metrics: metrics, logger: logger, callbackIPs: callbackIPs)
        controller.passive = passiveWaiters.map {
            PassiveResponder(account: configuration.account, board: $0.board, waiters: $0, metrics: metrics, logger: logger)
        }
        controller.addRoutes(to: router)
        HealthController(probe: probe, spool: spool, settings: settings, metrics: metrics).addRoutes(to: router)
        return Application(
            router: router,
            // The idle timeout also bounds a request head sent byte by byte (slowloris): the timer restarts
            // only when a whole head (or body part) has arrived.
            server: .http1(configuration: .init(
                additionalChannelHandlers: [RequestDeadlineHandler(timeout: TimeAmount(settings.requestTimeout))],
                idleTimeout: TimeAmount(settings.idleTimeout))),
            configuration: .init(address: .hostname(configuration.ingressHost, port: configuration.ingressPort), serverName: "wechat-relay-ingress"),
            logger: logger
        )
    }

    /// The background services: the enqueue batcher, replaying the spool, watching the queue, the
    /// readiness probe, re-reading the callback IP list (none with `INGRESS_SOURCE_CHECK=off`). The passive
    /// waiters' wake-up loop (``passiveWaiters``) runs beside them when the account is not `async`.
    var backgroundServices: (batcher: EnqueueBatcher, drainer: SpoolDrainer, monitor: QueueMonitorService, probe: ReadinessProbe, callbackIPs: CallbackIPList?) {
        (batcher, SpoolDrainer(spool: spool, queue: queue, logger: logger), QueueMonitorService(queue: queue, spool: spool, metrics: metrics, logger: logger), probe,
         settings.sourceCheck.mode == .off ? nil : callbackIPs)
    }
}
