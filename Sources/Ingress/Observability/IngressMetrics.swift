import CoreMetrics
import Metrics
import Prometheus
import Shared
import Tracing

/// The ingress's metrics, recorded through swift-metrics into one Prometheus registry that `GET /metrics`
/// renders.
///
/// - `wechat_ingress_requests_total{outcome}`: every WeChat request by what became of it (`queued`,
///   `duplicate`, `spooled`, `dropped`, `verified`, `bad_signature`, `stale_timestamp`, `bad_request`,
///   `malformed`, `too_large`, `decrypt_failed`, `unavailable`, `plaintext_refused` (safe mode, no
///   `encrypt_type=aes`), `replay_refused` (a timestamp and nonce already used with another body),
///   `source_refused` (`INGRESS_SOURCE_CHECK=enforce`: not from WeChat's callback IPs));
/// - `wechat_ingress_source_checks_total{outcome}`: pushes checked against WeChat's callback IPs
///   (`listed`, `unlisted`, `no_list` (let through: fail open), `unknown_client`), in `log` and `enforce` modes;
/// - `wechat_ingress_callback_ips`: entries in the callback IP list read from Redis (0: none, the check fails open);
/// - `wechat_ingress_replay_checks_skipped_total`: pushes let through without the timestamp/nonce
///   binding check because Redis did not answer it in time (they are still queued or spooled);
/// - `wechat_ingress_enqueue_seconds`: time to make a message safe (Redis or spool), a histogram;
/// - `wechat_ingress_dropped_events_total{event}`: events filtered by `INGRESS_DROP_EVENTS`, by name when
///   it is one of WeChat's documented events, else `other` (the label's values stay a bounded set);
/// - `wechat_ingress_spool_records`, `wechat_ingress_spool_bytes`: what waits in the spool;
/// - `wechat_ingress_stream_length`, `wechat_ingress_stream_max_length`: how close the stream is to its
///   `MAXLEN ~` cap, past which entries no worker has finished would be trimmed;
/// - `wechat_ingress_passive_total{outcome}`: pushes of a `passive` or `hybrid` account by how they were
///   answered (``PassiveOutcome``: `passive`, `placeholder`, `held`, `async`, `overflow`, `error`);
/// - `wechat_ingress_passive_wait_seconds`: how long those pushes waited for the worker's answer, a histogram.
struct IngressMetrics: Sendable {
    enum Outcome: String, CaseIterable, Sendable {
        case queued, duplicate, spooled, dropped, verified
        case badSignature = "bad_signature"
        case staleTimestamp = "stale_timestamp"
        case badRequest = "bad_request"
        case malformed
        case tooLarge = "too_large"
        case decryptFailed = "decrypt_failed"
        case unavailable
        case plaintextRefused = "plaintext_refused"
        case replayRefused = "replay_refused"
        case sourceRefused = "source_refused"
        /// `/wechat/{appid}` for an appid not configured, or the bare path when several accounts are.
        case unknownAccount = "unknown_account"
        /// A push whose outer `ToUserName` is not the account's `gh_` id.
        case wrongAccount = "wrong_account"
    }

    /// The event names the dropped-events label may take, as WeChat spells them, by their lower-case
    /// form; any other name counts as `other`.
    static let knownEvents: [String: String] = Dictionary(
        uniqueKeysWithValues: [
            "subscribe", "unsubscribe", "SCAN", "LOCATION", "CLICK", "VIEW", "scancode_push", "scancode_waitmsg",
            "pic_sysphoto", "pic_photo_or_album", "pic_weixin", "location_select", "view_miniprogram",
            "TEMPLATESENDJOBFINISH", "MASSSENDJOBFINISH", "subscribe_msg_popup_event", "subscribe_msg_change_event",
            "subscribe_msg_sent_event", "kf_create_session", "kf_close_session", "kf_switch_session",
        ].map { ($0.lowercased(), $0) })

    let registry: PrometheusCollectorRegistry
    private let factory: PrometheusMetricsFactory
    private let outcomes: [Outcome: CoreMetrics.Counter]
    let enqueueDuration: CoreMetrics.Timer
    let spoolRecords: CoreMetrics.Gauge
    let spoolBytes: CoreMetrics.Gauge
    let streamLength: CoreMetrics.Gauge
    let streamMaximumLength: CoreMetrics.Gauge
    let replayChecksSkipped: CoreMetrics.Counter
    private let sourceChecks: [SourceCheck.Outcome: CoreMetrics.Counter]
    let callbackIPs: CoreMetrics.Gauge
    private let passiveOutcomes: [PassiveOutcome: CoreMetrics.Counter]
    let passiveWait: CoreMetrics.Timer

    init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets["wechat_ingress_enqueue_seconds"] = [
            .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5),
            .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250),
            .milliseconds(500), .seconds(1), .seconds(2), .seconds(5),
        ]
        factory.durationHistogramBuckets["wechat_ingress_passive_wait_seconds"] = [
            .milliseconds(5), .milliseconds(25), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
            .seconds(2), .seconds(3), .seconds(4), .seconds(5), .seconds(7),
        ]
        self.factory = factory
        var outcomes: [Outcome: CoreMetrics.Counter] = [:]
        for outcome in Outcome.allCases {
            outcomes[outcome] = CoreMetrics.Counter(label: "wechat_ingress_requests_total", dimensions: [("outcome", outcome.rawValue)], factory: factory)
        }
        self.outcomes = outcomes
        enqueueDuration = CoreMetrics.Timer(label: "wechat_ingress_enqueue_seconds", factory: factory)
        spoolRecords = CoreMetrics.Gauge(label: "wechat_ingress_spool_records", factory: factory)
        spoolBytes = CoreMetrics.Gauge(label: "wechat_ingress_spool_bytes", factory: factory)
        streamLength = CoreMetrics.Gauge(label: "wechat_ingress_stream_length", factory: factory)
        streamMaximumLength = CoreMetrics.Gauge(label: "wechat_ingress_stream_max_length", factory: factory)
        replayChecksSkipped = CoreMetrics.Counter(label: "wechat_ingress_replay_checks_skipped_total", factory: factory)
        var sourceChecks: [SourceCheck.Outcome: CoreMetrics.Counter] = [:]
        for outcome in SourceCheck.Outcome.allCases {
            sourceChecks[outcome] = CoreMetrics.Counter(label: "wechat_ingress_source_checks_total", dimensions: [("outcome", outcome.rawValue)], factory: factory)
        }
        self.sourceChecks = sourceChecks
        callbackIPs = CoreMetrics.Gauge(label: "wechat_ingress_callback_ips", factory: factory)
        var passiveOutcomes: [PassiveOutcome: CoreMetrics.Counter] = [:]
        for outcome in PassiveOutcome.allCases {
            passiveOutcomes[outcome] = CoreMetrics.Counter(label: "wechat_ingress_passive_total", dimensions: [("outcome", outcome.rawValue)], factory: factory)
        }
        self.passiveOutcomes = passiveOutcomes
        passiveWait = CoreMetrics.Timer(label: "wechat_ingress_passive_wait_seconds", factory: factory)
    }

    func count(_ outcome: PassiveOutcome) {
        passiveOutcomes[outcome]?.increment()
    }

    /// Counts a request's outcome, and records it on its push span (``PushSpan``) when traces are on.
    func count(_ outcome: Outcome) {
        outcomes[outcome]?.increment()
        if RelayTracing.isActive { PushSpan.current?.attributes[TraceNames.outcome] = outcome.rawValue }
    }

    func count(_ outcome: SourceCheck.Outcome) {
        sourceChecks[outcome]?.increment()
    }

    /// Counts a dropped event under its name as WeChat documents it, or `other`: the label never takes
    /// an arbitrary value from a request.
    func countDropped(event: String) {
        let label = Self.knownEvents[event.lowercased()] ?? "other"
        CoreMetrics.Counter(label: "wechat_ingress_dropped_events_total", dimensions: [("event", label)], factory: factory).increment()
    }

    /// The Prometheus text exposition of every metric.
    func render() -> [UInt8] {
        registry.emitToBuffer()
    }
}
