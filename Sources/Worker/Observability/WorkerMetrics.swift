import CoreMetrics
import Metrics
import Prometheus
import Shared

/// The worker's metrics, recorded through swift-metrics into one Prometheus registry that
/// `GET /metrics` renders. Each account served records through its own instance (``forAccount(_:)``): the
/// message, reply, API, token and queue metrics carry an `account` label (the account's name, a bounded
/// set: the configured accounts).
///
/// - `wechat_worker_messages_total{outcome}`: messages handled (`replied`, `retried`, `dead_lettered`, `fenced`, `left_pending`);
/// - `wechat_worker_sends_after_unknown_outcome_total`: replies sent although an earlier holder began them and never recorded the outcome;
/// - `wechat_worker_replies_total`: customer-service messages sent;
/// - `wechat_worker_api_seconds{path}`: WeChat API latency, a histogram;
/// - `wechat_worker_api_errcodes_total{errcode}`: non-zero errcodes answered;
/// - `wechat_worker_token_refreshes_total`, `wechat_worker_token_lock_waits_total`, `wechat_worker_token_invalidations_total`;
/// - `wechat_worker_backlog` (messages queued), `wechat_worker_users_active` (users with messages queued: the
///   autoscaling signal), `wechat_worker_users_ready` (users waiting for a worker), `wechat_worker_users_retrying`, `wechat_worker_users_leased`, `wechat_worker_dead_letters`;
/// - `wechat_worker_callback_ip_refreshes_total{outcome}`: `getcallbackip` refreshes of the ingress's list (`ok`, `failed`);
/// - `wechat_worker_profile_lookups_total{outcome}`: user profiles the handlers asked for (`cached`, `fetched`,
///   `failed`: the message went on without one); `wechat_worker_profile_fetches_total{api}`: calls to
///   `user/info` (`info`) and `user/info/batchget` (`batchget`).
struct WorkerMetrics: Sendable {
    let registry: PrometheusCollectorRegistry
    /// The `account` label's value.
    let account: String
    private let factory: PrometheusMetricsFactory
    private let replied: CoreMetrics.Counter
    private let retried: CoreMetrics.Counter
    private let deadLettered: CoreMetrics.Counter
    private let leftPending: CoreMetrics.Counter
    private let fenced: CoreMetrics.Counter
    private let ambiguousSends: CoreMetrics.Counter
    private let replies: CoreMetrics.Counter
    let tokenRefreshes: CoreMetrics.Counter
    let tokenLockWaits: CoreMetrics.Counter
    let tokenInvalidations: CoreMetrics.Counter
    let backlog: CoreMetrics.Gauge
    let usersActive: CoreMetrics.Gauge
    let usersReady: CoreMetrics.Gauge
    let usersRetrying: CoreMetrics.Gauge
    let usersLeased: CoreMetrics.Gauge
    let deadLetters: CoreMetrics.Gauge

    init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry(), account: String) {
        self.registry = registry
        self.account = account
        let label = ("account", account)
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets["wechat_worker_api_seconds"] = [
            .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
            .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2), .seconds(5), .seconds(10),
        ]
        self.factory = factory
        func messages(_ outcome: String) -> CoreMetrics.Counter {
            CoreMetrics.Counter(label: "wechat_worker_messages_total", dimensions: [label, ("outcome", outcome)], factory: factory)
        }
        // The labels the handling span's `wechat.outcome` uses too (`MessageProcessor.Outcome.metricLabel`).
        replied = messages(MessageProcessor.Outcome.replied(sent: 0).metricLabel)
        retried = messages(MessageProcessor.Outcome.retryScheduled.metricLabel)
        deadLettered = messages(MessageProcessor.Outcome.deadLettered(reason: .malformedEnvelope).metricLabel)
        leftPending = messages(MessageProcessor.Outcome.leftPending.metricLabel)
        fenced = messages(MessageProcessor.Outcome.fenced.metricLabel)
        ambiguousSends = CoreMetrics.Counter(label: "wechat_worker_sends_after_unknown_outcome_total", dimensions: [label], factory: factory)
        replies = CoreMetrics.Counter(label: "wechat_worker_replies_total", dimensions: [label], factory: factory)
        tokenRefreshes = CoreMetrics.Counter(label: "wechat_worker_token_refreshes_total", dimensions: [label], factory: factory)
        tokenLockWaits = CoreMetrics.Counter(label: "wechat_worker_token_lock_waits_total", dimensions: [label], factory: factory)
        tokenInvalidations = CoreMetrics.Counter(label: "wechat_worker_token_invalidations_total", dimensions: [label], factory: factory)
        backlog = CoreMetrics.Gauge(label: "wechat_worker_backlog", dimensions: [label], factory: factory)
        usersActive = CoreMetrics.Gauge(label: "wechat_worker_users_active", dimensions: [label], factory: factory)
        usersReady = CoreMetrics.Gauge(label: "wechat_worker_users_ready", dimensions: [label], factory: factory)
        usersRetrying = CoreMetrics.Gauge(label: "wechat_worker_users_retrying", dimensions: [label], factory: factory)
        usersLeased = CoreMetrics.Gauge(label: "wechat_worker_users_leased", dimensions: [label], factory: factory)
        deadLetters = CoreMetrics.Gauge(label: "wechat_worker_dead_letters", dimensions: [label], factory: factory)
    }

    /// The same registry, recording for another account.
    func forAccount(_ name: String) -> WorkerMetrics { WorkerMetrics(registry: registry, account: name) }

    func record(_ outcome: MessageProcessor.Outcome) {
        switch outcome {
        case .replied(let sent):
            replied.increment()
            if sent > 0 { replies.increment(by: sent) }
        case .retryScheduled: retried.increment()
        case .deadLettered: deadLettered.increment()
        case .leftPending: leftPending.increment()
        case .fenced: fenced.increment()
        }
    }

    func recordSendAfterUnknownOutcome() { ambiguousSends.increment() }

    func recordAPICall(path: String, duration: Duration, errcode: Int?) {
        CoreMetrics.Timer(label: "wechat_worker_api_seconds", dimensions: [("account", account), ("path", path)], factory: factory).recordNanoseconds(
            duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000)
        if let errcode, errcode != 0 {
            CoreMetrics.Counter(label: "wechat_worker_api_errcodes_total", dimensions: [("account", account), ("errcode", String(errcode))], factory: factory).increment()
        }
    }

    func recordToken(_ event: AccessTokenProvider.TokenEvent) {
        switch event {
        case .fetched: tokenRefreshes.increment()
        case .waitedForLock: tokenLockWaits.increment()
        case .invalidated: tokenInvalidations.increment()
        }
    }

    func record(_ status: QueueStatus) {
        backlog.record(status.backlog)
        usersActive.record(status.usersActive)
        usersReady.record(status.usersReady)
        usersRetrying.record(status.usersRetrying)
        usersLeased.record(status.usersLeased)
        deadLetters.record(status.deadLetters)
    }

    func recordCallbackIPRefresh(ok: Bool) {
        CoreMetrics.Counter(label: "wechat_worker_callback_ip_refreshes_total", dimensions: [("outcome", ok ? "ok" : "failed")], factory: factory).increment()
    }

    /// One profile lookup: `cached`, `fetched` or `failed`.
    func recordProfileLookup(_ outcome: String) {
        CoreMetrics.Counter(label: "wechat_worker_profile_lookups_total", dimensions: [("outcome", outcome)], factory: factory).increment()
    }

    /// One call to the profile API: `info` or `batchget`.
    func recordProfileFetch(api: String) {
        CoreMetrics.Counter(label: "wechat_worker_profile_fetches_total", dimensions: [("api", api)], factory: factory).increment()
    }

    /// The Prometheus text exposition of every metric.
    func render() -> [UInt8] {
        registry.emitToBuffer()
    }
}
