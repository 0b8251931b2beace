import AsyncHTTPClient
import Logging
import ServiceLifecycle
import Shared

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Everything a worker process runs for one Official Account: its shared access_token, its sender, its
/// handler and rules, its queue and the services that consume it. ``WorkerComponents`` holds one per account
/// served; they share the process's Redis client, HTTP client, metrics registry and ``SlotPool``.
struct AccountWorker: Sendable {
    let account: WeChatAccount
    let metrics: WorkerMetrics
    let tokens: AccessTokenProvider
    /// The account calls (getcallbackip, user/info) with the shared token.
    let api: AccountAPI
    let queue: LeaseQueue
    let board: LeaseBoard
    let consumer: ConsumerService
    /// The rules handler when the rules are in use (not with a webhook or a custom handler).
    let rules: RulesHandler?

    /// What the account's pieces are built from, shared by every account of the process.
    struct Shared: Sendable {
        let configuration: RelayConfiguration
        let settings: WorkerSettings
        let redis: RedisClient
        let httpClient: HTTPClient
        let metrics: WorkerMetrics
        let pool: SlotPool
        let consumerName: String
        let logger: Logger
    }

    /// - Parameter handler: a custom handler; nil picks the webhook (`WORKER_WEBHOOK_URL`) or the rules.
    static func make(account: WeChatAccount, shared: Shared, handler custom: (any MessageHandler)?) throws(RulesParseError) -> AccountWorker {
        let settings = shared.settings
        let configuration = shared.configuration
        // The rules first: a bad file must fail before anything that needs shutting down exists.
        let usesRules = custom == nil && settings.webhookURL == nil
        let rulesPath = Self.rulesPath(for: account, settings: settings)
        let parsedRules: Rules? = usesRules ? try rulesPath.map { path throws(RulesParseError) in try RulesParser.load(path: path) } ?? .builtIn : nil
        let keys = account.queueKeys
        let redis = shared.redis
        let httpClient = shared.httpClient
        let metrics = shared.metrics.forAccount(account.name)
        let client = WeChatAPIClient(baseURL: configuration.apiBase, httpClient: httpClient)
        let tokens = AccessTokenProvider(
            redis: redis, api: client, appID: account.appID, secret: account.secret ?? "", kind: settings.tokenAPI,
            logger: Logger(label: "worker.token"), observer: { metrics.recordToken($0) })
        let sender = CustomerServiceSender(tokens: tokens, api: client) { path, duration, errcode in
            metrics.recordAPICall(path: path, duration: duration, errcode: errcode)
        }
        let profiles =
            settings.userProfile
            ? ProfileStore(
                api: AccountAPI(tokens: tokens, client: WeChatAPIClient(baseURL: configuration.apiBase, httpClient: httpClient, timeout: settings.userProfileTimeout)),
                redis: redis, keys: keys, ttl: settings.userProfileTTL, metrics: metrics)
            : nil
        let rules = parsedRules.map { RulesHandler(rules: $0, path: rulesPath, profiles: profiles, logger: Logger(label: "worker.rules")) }
        let handler: any MessageHandler
        if let custom {
            handler = custom
        } else if let url = settings.webhookURL {
            handler = WebhookHandler(url: url, httpClient: httpClient, timeout: settings.webhookTimeout, appID: account.appID, profiles: profiles)
        } else if let rules {
            handler = rules
        } else {
            handler = RulesHandler(rules: .builtIn)
        }
        var queue = LeaseQueue(redis: redis, keys: keys, consumer: shared.consumerName, leaseDuration: settings.claimIdle)
        queue.deadLetterMaximumLength = settings.deadLetterMaximumLength
        queue.fairSlice = settings.fairSlice
        queue = queue.batched()
        let reachKeys = ReachKeys(appID: account.appID)
        let reachMetrics = ReachMetrics(registry: metrics.registry)
        let delivery = ReachDelivery(
            sender: sender, tracker: ReachTracker(redis: redis, keys: reachKeys),
            media: MediaUploader(sender: sender, redis: redis, keys: reachKeys, metrics: reachMetrics, logger: Logger(label: "worker.media")),
            metrics: reachMetrics, logger: Logger(label: "worker.reach"))
        var logger = shared.logger
        if configuration.accounts.count > 1 { logger[metadataKey: "account"] = "\(account.name)" }
        let processor = MessageProcessor(
            queue: queue, handler: handler, sender: sender, delivery: delivery,
            passive: PassiveDelivery(board: PassiveReplyBoard(redis: redis, keys: keys), budget: account.passiveBudget, logger: logger),
            retryPolicy: RetryPolicy(
                maximumAttempts: settings.maximumAttempts, base: settings.retryBase, maximum: settings.retryMaximum, budget: settings.retryFor),
            typingAfter: settings.typingAfter, metrics: metrics, logger: logger)
        let board = LeaseBoard()
        let consumer = ConsumerService(
            queue: queue, processor: processor, board: board, pool: shared.pool, account: account.appID, shutdownGrace: settings.shutdownGrace, logger: logger)
        return AccountWorker(
            account: account, metrics: metrics, tokens: tokens, api: AccountAPI(tokens: tokens), queue: queue, board: board, consumer: consumer, rules: rules)
    }

    /// `WORKER_RULES_DIR/{appid}.yaml` when it exists, else `WORKER_RULES` (nil: the built-in rules).
    static func rulesPath(for account: WeChatAccount, settings: WorkerSettings) -> String? {
        if let directory = settings.rulesDirectory {
            let path = directory.hasSuffix("/") ? directory + "\(account.appID).yaml" : directory + "/\(account.appID).yaml"
            if FileManager.default.fileExists(atPath: path) { return path }
        }
        return settings.rules
    }

    /// Re-reads the account's rules file; false when there is none to re-read (webhook, built-in rules).
    func reloadRules() -> Bool {
        guard let rules, rules.path != nil else { return false }
        _ = rules.reload()
        return true
    }

    /// The account's consuming services, in start order: the heartbeat and the reaper before the
    /// consumer, so leases stay alive while in-flight messages finish during shutdown; moving an older
    /// release's stream before consuming starts.
    func services(settings: WorkerSettings, redis: RedisClient) -> [any Service] {
        [
            LeaseHeartbeatService(queue: queue, board: board, logger: Logger(label: "worker.heartbeat")),
            LeaseReaperService(queue: queue, maximumStalls: settings.maximumDeliveries, metrics: metrics, logger: Logger(label: "worker.reaper")),
            QueueGaugeService(redis: redis, keys: queue.keys, metrics: metrics, interval: settings.gaugeInterval),
            LegacyStreamMigration(redis: redis, keys: queue.keys, logger: Logger(label: "worker.migration")),
            consumer,
        ]
    }
}
