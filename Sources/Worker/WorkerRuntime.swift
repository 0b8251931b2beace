import AsyncHTTPClient
import Logging
import ServiceLifecycle
import UnixSignals
import Shared

#if canImport(Glibc)
import Glibc
#endif

/// Everything one worker process runs, wired from the configuration: the Redis client, the HTTP client,
/// the shared token, the sender, the handler and the services (``services`` lists what a worker does).
/// `main` and the tests build it the same way.
struct WorkerRuntime: Sendable {
    let configuration: RelayConfiguration
    let settings: WorkerSettings
    let redis: RedisClient
    let httpClient: HTTPClient
    let metrics: WorkerMetrics
    let tokens: AccessTokenProvider
    /// The account calls (getcallbackip, user/info) with the shared token.
    let account: AccountAPI
    let queue: LeaseQueue
    let board: LeaseBoard
    let consumer: ConsumerService
    /// The rules handler when the rules are in use (not with a webhook or a custom handler).
    let rules: RulesHandler?
    let logger: Logger

    /// - Parameter handler: a custom handler; nil picks the webhook (`WORKER_WEBHOOK_URL`) or the rules.
    static func make(
        configuration: RelayConfiguration, settings: WorkerSettings, handler custom: (any MessageHandler)? = nil,
        consumerName: String? = nil, logger: Logger = Logger(label: "worker")
    ) throws(RulesParseError) -> WorkerRuntime {
        // The rules first: a bad file must fail before anything that needs shutting down exists.
        let usesRules = custom == nil && settings.webhookURL == nil
        let parsedRules: Rules? = usesRules ? try configuration.workerRules.map { path throws(RulesParseError) in try RulesParser.load(path: path) } ?? .builtIn : nil
        let keys = QueueKeys(appID: configuration.appID)
        let redis = RedisClient(configuration: configuration.redisClientConfiguration, logger: Logger(label: "worker.redis"))
        let httpClient = WeChatAPIClient.makeHTTPClient(concurrency: configuration.workerConcurrency)
        let metrics = WorkerMetrics()
        let api = WeChatAPIClient(baseURL: configuration.apiBase, httpClient: httpClient)
        let tokens = AccessTokenProvider(
            redis: redis, api: api, appID: configuration.appID, secret: configuration.appSecret ?? "", kind: settings.tokenAPI,
            logger: Logger(label: "worker.token"), observer: { metrics.recordToken($0) })
        let sender = CustomerServiceSender(tokens: tokens, api: api) { path, duration, errcode in
            metrics.recordAPICall(path: path, duration: duration, errcode: errcode)
        }
        let account = AccountAPI(tokens: tokens)
        let profiles = settings.userProfile
            ? ProfileStore(
                api: AccountAPI(tokens: tokens, client: WeChatAPIClient(baseURL: configuration.apiBase, httpClient: httpClient, timeout: settings.userProfileTimeout)),
                redis: redis, keys: keys, ttl: settings.userProfileTTL, metrics: metrics)
            : nil
        let rules = parsedRules.map { RulesHandler(rules: $0, path: configuration.workerRules, profiles: profiles, logger: Logger(label: "worker.rules")) }
        let handler: any MessageHandler
        if let custom {
            handler = custom
        } else if let url = settings.webhookURL {
            handler = WebhookHandler(url: url, httpClient: httpClient, timeout: settings.webhookTimeout, appID: configuration.appID, profiles: profiles)
        } else if let rules {
            handler = rules
        } else {
            handler = RulesHandler(rules: .builtIn)
        }
        var queue = LeaseQueue(redis: redis, keys: keys, consumer: consumerName ?? Self.uniqueConsumerName(), leaseDuration: settings.claimIdle)
        queue.deadLetterMaximumLength = settings.deadLetterMaximumLength
        let reachKeys = ReachKeys(appID: configuration.appID)
        let reachMetrics = ReachMetrics(registry: metrics.registry)
        let delivery = ReachDelivery(
            sender: sender, tracker: ReachTracker(redis: redis, keys: reachKeys),
            media: MediaUploader(sender: sender, redis: redis, keys: reachKeys, metrics: reachMetrics, logger: Logger(label: "worker.media")),
            metrics: reachMetrics, logger: Logger(label: "worker.reach"))
        let processor = MessageProcessor(
            queue: queue, handler: handler, sender: sender, delivery: delivery,
            passive: PassiveDelivery(board: PassiveReplyBoard(redis: redis, keys: keys), budget: configuration.account.passiveBudget, logger: logger),
            retryPolicy: RetryPolicy(
                maximumAttempts: settings.maximumAttempts, base: settings.retryBase, maximum: settings.retryMaximum, budget: settings.retryFor),
            typingAfter: settings.typingAfter, metrics: metrics, logger: logger)
        let board = LeaseBoard()
        let consumer = ConsumerService(
            queue: queue, processor: processor, board: board, concurrency: configuration.workerConcurrency, shutdownGrace: settings.shutdownGrace,
            logger: logger)
        return WorkerRuntime(
            configuration: configuration, settings: settings, redis: redis, httpClient: httpClient, metrics: metrics, tokens: tokens,
            account: account, queue: queue, board: board, consumer: consumer, rules: rules, logger: logger)
    }

    /// What a worker does, in start order (shut down in reverse): Redis first so it closes last; the
    /// heartbeat and the reaper before the consumer, so leases stay alive while in-flight messages finish
    /// during shutdown; moving an older release's stream before consuming starts.
    var services: [any Service] {
        var services: [any Service] = [
            redis,
            LeaseHeartbeatService(queue: queue, board: board, logger: Logger(label: "worker.heartbeat")),
            LeaseReaperService(queue: queue, maximumStalls: settings.maximumDeliveries, metrics: metrics, logger: Logger(label: "worker.reaper")),
            QueueGaugeService(redis: redis, keys: queue.keys, metrics: metrics, interval: settings.gaugeInterval),
            LegacyStreamMigration(redis: redis, keys: queue.keys, logger: Logger(label: "worker.migration")),
            consumer,
        ]
        if let port = settings.metricsPort {
            services.append(MetricsServer(host: settings.metricsHost, port: port, redis: redis, metrics: metrics, logger: Logger(label: "worker.metrics")))
        }
        if let interval = settings.callbackIPRefresh {
            services.append(
                CallbackIPRefreshService(api: account, redis: redis, keys: queue.keys, interval: interval, metrics: metrics, logger: Logger(label: "worker.callback-ips")))
        }
        if let rules, rules.path != nil { services.append(RulesReloadService(rules: rules)) } else { services.append(HangupIgnoringService()) }
        return services
    }

    /// Runs until graceful shutdown (SIGTERM/SIGINT in the process; a trigger in tests), then closes the HTTP client.
    func run(signals: [UnixSignal] = [.sigterm, .sigint]) async throws {
        let group = ServiceGroup(services: services, gracefulShutdownSignals: signals, logger: logger)
        do {
            try await group.run()
        } catch {
            try? await httpClient.shutdown()
            throw error
        }
        try await httpClient.shutdown()
    }

    /// `host-pid-random`: unique per process, readable in `worker status`.
    static func uniqueConsumerName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        let host =
            gethostname(&buffer, buffer.count) == 0
            ? String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : "worker"
        return "\(host)-\(getpid())-\(String(UInt32.random(in: 0...UInt32.max), radix: 16))"
    }
}
