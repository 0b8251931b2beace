import Shared

/// The ingress's own settings, read from the environment next to ``RelayConfiguration``.
///
/// | variable | default |
/// | --- | --- |
/// | `INGRESS_HOST` / `INGRESS_PORT` | `0.0.0.0` / `8080`: where it listens |
/// | `INGRESS_PATH` | `/wechat` |
/// | `INGRESS_MAX_BODY_BYTES` | `65536` (larger bodies get 413) |
/// | `WECHAT_TIMESTAMP_WINDOW` | `300` seconds either side of now |
/// | `INGRESS_SPOOL_DIR` | `./spool` |
/// | `INGRESS_SPOOL_MAX_BYTES` | `268435456` (256 MiB; full → 503) |
/// | `INGRESS_DROP_EVENTS` | none; e.g. `TEMPLATESENDJOBFINISH,LOCATION` are answered but not queued |
/// | `QUEUE_MAXLEN` | `1000000` (the stream's `MAXLEN ~`, a memory cap) |
/// | `QUEUE_DEDUP_SECONDS` | `600` (at least 600) |
/// | `INGRESS_ENQUEUE_DEADLINE_MS` | `1000`: Redis silent this long → the message is spooled and answered (50–4000) |
/// | `WECHAT_ACCEPT_PLAINTEXT` | `false`: with `WECHAT_AES_KEY` set, an unencrypted push is refused (403) |
/// | `INGRESS_BIND_NONCE` | `true`: an unencrypted push's timestamp and nonce are bound to its body (``PushBinding``) |
/// | `INGRESS_IDLE_TIMEOUT_SECONDS` | `30`: a connection silent this long, or whose request head is not complete by then, is closed |
/// | `INGRESS_REQUEST_TIMEOUT_SECONDS` | `10`: a request whose body has not ended this long after its head is cut off |
/// | `INGRESS_SOURCE_CHECK` | `log`: pushes from outside WeChat's callback IPs are counted and logged; `enforce` refuses them (403); `off` |
/// | `INGRESS_TRUSTED_PROXIES` | none; CIDR blocks or addresses of the proxies in front, whose `X-Forwarded-For` is believed |
/// | `INGRESS_PASSIVE_MAX_WAITING` | `512`: requests that may wait for a passive reply at once (`passive`/`hybrid` modes); past it, `success` at once |
///
/// The reply mode itself (`WECHAT_REPLY_MODE`, `WECHAT_PASSIVE_BUDGET_MS`, `WECHAT_PASSIVE_PLACEHOLDER`) is the
/// account's, in ``RelayConfiguration/account``.
struct IngressSettings: Sendable {
    /// The address the HTTP server listens on.
    var host: String
    var port: Int
    var path: String
    var maximumBodyBytes: Int
    var timestampWindowSeconds: Int64
    var spoolDirectory: String
    var spoolMaximumBytes: Int
    /// Event names answered `success` and counted, but not queued; compared without regard to case.
    var droppedEvents: Set<String>
    var streamMaximumLength: Int
    var dedupWindowSeconds: Int
    /// How long a message waits for Redis before it is spooled instead (WeChat waits 5 s in all).
    var enqueueDeadline: Duration
    /// With an EncodingAESKey configured, accept pushes without `encrypt_type=aes` anyway (only for the
    /// minutes of switching the console from compatible to safe mode).
    var acceptPlaintext: Bool
    /// Bind each unencrypted push's (timestamp, nonce) to its body; off only for load tests that replay
    /// one signed URL with many bodies (which is exactly what it refuses).
    var bindNonce: Bool
    /// How long a connection may stay without a complete request part (idle keep-alive, or a head
    /// trickled byte by byte) before the server closes it.
    var idleTimeout: Duration
    /// How long a request may take from its head to the end of its body (a body sent byte by byte).
    var requestTimeout: Duration
    /// Whether pushes are checked against WeChat's callback IPs (``SourceCheck``), and the proxies trusted for `X-Forwarded-For`.
    var sourceCheck: SourceCheck
    /// How many requests may wait for a passive reply at once (``PassiveWaiters``).
    var passiveMaximumWaiting: Int

    init(environment: [String: String]) throws(ConfigurationError) {
        let reader = EnvironmentReader(environment)
        host = reader.string("INGRESS_HOST") ?? "0.0.0.0"
        port = try reader.integer("INGRESS_PORT", default: 8080, in: 0...65_535)
        path = reader.string("INGRESS_PATH") ?? "/wechat"
        guard path.hasPrefix("/") else { throw ConfigurationError(variable: "INGRESS_PATH", problem: "must start with /") }
        maximumBodyBytes = try reader.integer("INGRESS_MAX_BODY_BYTES", default: 64 * 1024, in: 1_024...(16 << 20))
        timestampWindowSeconds = Int64(try reader.integer("WECHAT_TIMESTAMP_WINDOW", default: 300, in: 1...86_400))
        spoolDirectory = reader.string("INGRESS_SPOOL_DIR") ?? "./spool"
        spoolMaximumBytes = try reader.integer("INGRESS_SPOOL_MAX_BYTES", default: 256 << 20, in: 4_096...(1 << 40))
        droppedEvents = Set(reader.list("INGRESS_DROP_EVENTS").map { $0.lowercased() })
        streamMaximumLength = try reader.integer("QUEUE_MAXLEN", default: 1_000_000, in: 1_000...1_000_000_000)
        dedupWindowSeconds = try reader.integer("QUEUE_DEDUP_SECONDS", default: 600, in: 600...604_800)
        enqueueDeadline = .milliseconds(try reader.integer("INGRESS_ENQUEUE_DEADLINE_MS", default: 1_000, in: 50...4_000))
        acceptPlaintext = try reader.boolean("WECHAT_ACCEPT_PLAINTEXT", default: false)
        bindNonce = try reader.boolean("INGRESS_BIND_NONCE", default: true)
        idleTimeout = .seconds(try reader.integer("INGRESS_IDLE_TIMEOUT_SECONDS", default: 30, in: 1...3_600))
        requestTimeout = .seconds(try reader.integer("INGRESS_REQUEST_TIMEOUT_SECONDS", default: 10, in: 1...3_600))
        let modeName = reader.string("INGRESS_SOURCE_CHECK") ?? "log"
        guard let mode = SourceCheck.Mode(rawValue: modeName.lowercased()) else {
            throw ConfigurationError(variable: "INGRESS_SOURCE_CHECK", problem: "must be off, log or enforce, got '\(modeName)'")
        }
        var proxies: [IPNetwork] = []
        for entry in reader.list("INGRESS_TRUSTED_PROXIES") {
            guard let network = IPNetwork(parsing: entry) else {
                throw ConfigurationError(variable: "INGRESS_TRUSTED_PROXIES", problem: "'\(entry)' is not an IP address or CIDR block such as 10.0.0.0/8")
            }
            proxies.append(network)
        }
        sourceCheck = SourceCheck(mode: mode, trustedProxies: proxies)
        passiveMaximumWaiting = try reader.integer("INGRESS_PASSIVE_MAX_WAITING", default: 512, in: 1...1_000_000)
    }
}
