import Shared

/// The worker's own settings, read from the environment next to ``RelayConfiguration``.
///
/// | variable | default |
/// | --- | --- |
/// | `WORKER_CONCURRENCY` | `16` messages in flight per process (in ``RelayConfiguration``) |
/// | `WORKER_RULES` | none: built-in replies (in ``RelayConfiguration``) |
/// | `WORKER_WEBHOOK_URL` | none; when set, the webhook handler replaces the rules |
/// | `WORKER_WEBHOOK_TIMEOUT` | `5s` |
/// | `WORKER_CLAIM_IDLE` | `30s`: pending entries idle this long are reclaimed from dead consumers |
/// | `WORKER_MAX_ATTEMPTS` | `6` attempts per message, then a dead letter |
/// | `WORKER_RETRY_BASE` / `WORKER_RETRY_MAX` | `1s` / `5m`: exponential backoff with jitter |
/// | `WORKER_RETRY_POLL` | `1s`: how often due retries are moved back to the stream |
/// | `WORKER_TRIM_INTERVAL` | `10s`: how often finished entries are trimmed (`XTRIM MINID`) |
/// | `WORKER_SHUTDOWN_GRACE` | `10s`: how long in-flight messages may finish after SIGTERM |
/// | `WORKER_TYPING_AFTER` | `off`; e.g. `2s`: send "typing" when the handler runs longer |
/// | `WORKER_METRICS_HOST` / `WORKER_METRICS_PORT` | `127.0.0.1` / `9464` (`0`: a free port; `off`: none) |
/// | `WECHAT_TOKEN_API` | `stable` (`POST /cgi-bin/stable_token`) or `classic` (`GET /cgi-bin/token`) |
///
/// Durations are a number with `ms`, `s` or `m` (a bare number is seconds).
struct WorkerSettings: Sendable {
    var webhookURL: String?
    var webhookTimeout: Duration
    var claimIdle: Duration
    var maximumAttempts: Int
    var retryBase: Duration
    var retryMaximum: Duration
    var retryPoll: Duration
    var trimInterval: Duration
    var shutdownGrace: Duration
    var typingAfter: Duration?
    var metricsHost: String
    /// nil: no metrics server.
    var metricsPort: Int?
    var tokenAPI: TokenAPIKind

    init(environment: [String: String]) throws(ConfigurationError) {
        let reader = EnvironmentReader(environment)
        webhookURL = reader.string("WORKER_WEBHOOK_URL")
        if let webhookURL, !(webhookURL.hasPrefix("http://") || webhookURL.hasPrefix("https://")) {
            throw ConfigurationError(variable: "WORKER_WEBHOOK_URL", problem: "must start with http:// or https://")
        }
        webhookTimeout = try Self.duration(reader, "WORKER_WEBHOOK_TIMEOUT", default: .seconds(5))
        claimIdle = try Self.duration(reader, "WORKER_CLAIM_IDLE", default: .seconds(30), minimum: .milliseconds(100))
        maximumAttempts = try reader.integer("WORKER_MAX_ATTEMPTS", default: 6, in: 1...100)
        retryBase = try Self.duration(reader, "WORKER_RETRY_BASE", default: .seconds(1))
        retryMaximum = try Self.duration(reader, "WORKER_RETRY_MAX", default: .seconds(300))
        retryPoll = try Self.duration(reader, "WORKER_RETRY_POLL", default: .seconds(1), minimum: .milliseconds(10))
        trimInterval = try Self.duration(reader, "WORKER_TRIM_INTERVAL", default: .seconds(10), minimum: .milliseconds(100))
        shutdownGrace = try Self.duration(reader, "WORKER_SHUTDOWN_GRACE", default: .seconds(10))
        if let typing = reader.string("WORKER_TYPING_AFTER"), typing.lowercased() != "off" {
            typingAfter = try Self.duration(reader, "WORKER_TYPING_AFTER", default: .seconds(2))
        } else {
            typingAfter = nil
        }
        metricsHost = reader.string("WORKER_METRICS_HOST") ?? "127.0.0.1"
        if reader.string("WORKER_METRICS_PORT")?.lowercased() == "off" {
            metricsPort = nil
        } else {
            metricsPort = try reader.integer("WORKER_METRICS_PORT", default: 9464, in: 0...65_535)
        }
        let api = reader.string("WECHAT_TOKEN_API") ?? "stable"
        guard let kind = TokenAPIKind(rawValue: api.lowercased()) else {
            throw ConfigurationError(variable: "WECHAT_TOKEN_API", problem: "must be stable or classic, got '\(api)'")
        }
        tokenAPI = kind
    }

    /// `500ms`, `2s`, `5m`, or a bare number of seconds.
    static func duration(_ reader: EnvironmentReader, _ name: String, default fallback: Duration, minimum: Duration = .zero) throws(ConfigurationError) -> Duration {
        guard let text = reader.string(name) else { return fallback }
        let lower = text.lowercased()
        let (digits, unit): (Substring, Duration) =
            lower.hasSuffix("ms") ? (lower.dropLast(2), .milliseconds(1))
            : lower.hasSuffix("s") ? (lower.dropLast(1), .seconds(1))
            : lower.hasSuffix("m") ? (lower.dropLast(1), .seconds(60)) : (Substring(lower), .seconds(1))
        guard let number = Int(digits), number >= 0, number <= 1_000_000_000 else {
            throw ConfigurationError(variable: name, problem: "must be a duration such as 500ms, 30s or 5m, got '\(text)'")
        }
        let value = unit * number
        guard value >= minimum else { throw ConfigurationError(variable: name, problem: "must be at least \(minimum), got '\(text)'") }
        return value
    }
}
