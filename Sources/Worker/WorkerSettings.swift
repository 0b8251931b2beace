import Shared

/// The worker's own settings, read from the environment next to ``RelayConfiguration``.
///
/// | variable | default |
/// | --- | --- |
/// | `WORKER_CONCURRENCY` | `16` users served at once per process, shared fairly by its accounts |
/// | `WORKER_RULES` | none: built-in replies |
/// | `WORKER_RULES_DIR` | `rules.d` beside `WORKER_RULES`: `{appid}.yaml` there is that account's rules file |
/// | `WORKER_ACCOUNTS` | none: every configured account; else the names or appids this worker serves (`--account`) |
/// | `WORKER_WEBHOOK_URL` | none; when set, the webhook handler replaces the rules |
/// | `WORKER_WEBHOOK_TIMEOUT` | `5s` |
/// | `WORKER_FAIR_SLICE_MS` | `0`: a slot keeps its user for the next message while others are due until its lease of the user is this old (`0`: only while nobody else is due) |
/// | `WORKER_CLAIM_IDLE` | `30s`: a user's lease; a worker silent this long loses its users to others |
/// | `WORKER_RETRY_FOR` | `10m`: transient failures are retried this long after a message's first failure (at most 48 h) |
/// | `WORKER_MAX_ATTEMPTS` | `0`: no count limit; else at most this many attempts per message |
/// | `WORKER_RETRY_BASE` / `WORKER_RETRY_MAX` | `1s` / `5m`: exponential backoff with jitter |
/// | `WORKER_MAX_DELIVERIES` | `10`: a message whose lease expired this often (it kills or hangs its worker) is dead-lettered |
/// | `WORKER_DEAD_LETTER_MAXLEN` | `100000`: the dead-letter stream's `MAXLEN ~` |
/// | `WORKER_GAUGE_INTERVAL` | `10s`: how often the queue gauges are refreshed |
/// | `WORKER_SHUTDOWN_GRACE` | `10s`: how long in-flight messages may finish after SIGTERM |
/// | `WORKER_TYPING_AFTER` | `off`; e.g. `2s`: send "typing" when the handler runs longer |
/// | `WORKER_METRICS_HOST` / `WORKER_METRICS_PORT` | `127.0.0.1` / `9464` (`0`: a free port; `off`: none) |
/// | `WECHAT_TOKEN_API` | `stable` (`POST /cgi-bin/stable_token`) or `classic` (`GET /cgi-bin/token`) |
/// | `WORKER_CALLBACK_IP_REFRESH` | `24h`: how often one worker refreshes WeChat's callback IPs for the ingress (`off`: never) |
/// | `WORKER_USER_PROFILE` | `off`; `on` gives handlers the user's profile (`user/info`, cached in Redis) |
/// | `WORKER_USER_PROFILE_TTL` / `WORKER_USER_PROFILE_TIMEOUT` | `24h` / `1s`: how long a profile is cached / waited for before the reply goes without it |
///
/// Durations are a number with `ms`, `s`, `m` or `h` (a bare number is seconds).
struct WorkerSettings: Sendable {
    /// How many users this process serves at once (its slots, shared by its accounts; the HTTP client's connections).
    var concurrency: Int
    /// The shared rules file; nil: built-in replies.
    var rules: String?
    /// Where per-account rules files (`{appid}.yaml`) are looked for.
    var rulesDirectory: String?
    /// The accounts this worker serves (names or appids); empty: all.
    var accounts: [String]
    var webhookURL: String?
    var webhookTimeout: Duration
    var claimIdle: Duration
    /// How long a slot may keep its user for the next message while other users are due (``LeaseQueue/fairSlice``).
    var fairSlice: Duration
    var maximumAttempts: Int
    var retryBase: Duration
    var retryMaximum: Duration
    var retryFor: Duration
    var maximumDeliveries: Int
    var deadLetterMaximumLength: Int
    var gaugeInterval: Duration
    var shutdownGrace: Duration
    var typingAfter: Duration?
    var metricsHost: String
    /// nil: no metrics server.
    var metricsPort: Int?
    var tokenAPI: TokenAPIKind
    /// nil: the callback IP list is not refreshed by this worker.
    var callbackIPRefresh: Duration?
    var userProfile: Bool
    var userProfileTTL: Duration
    var userProfileTimeout: Duration

    init(environment: [String: String]) throws(ConfigurationError) {
        let reader = EnvironmentReader(environment)
        concurrency = try reader.integer("WORKER_CONCURRENCY", default: 16, in: 1...10_000)
        rules = reader.string("WORKER_RULES")
        if let directory = reader.string("WORKER_RULES_DIR") {
            rulesDirectory = directory
        } else if let rules {
            let folder = rules.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
            rulesDirectory = (rules.hasPrefix("/") && folder.isEmpty ? "/" : folder.isEmpty ? "." : folder) + "/rules.d"
        } else {
            rulesDirectory = nil
        }
        accounts = reader.list("WORKER_ACCOUNTS")
        webhookURL = reader.string("WORKER_WEBHOOK_URL")
        if let webhookURL, !(webhookURL.hasPrefix("http://") || webhookURL.hasPrefix("https://")) {
            throw ConfigurationError(variable: "WORKER_WEBHOOK_URL", problem: "must start with http:// or https://")
        }
        webhookTimeout = try Self.duration(reader, "WORKER_WEBHOOK_TIMEOUT", default: .seconds(5))
        claimIdle = try Self.duration(reader, "WORKER_CLAIM_IDLE", default: .seconds(30), minimum: .milliseconds(100))
        fairSlice = .milliseconds(try reader.integer("WORKER_FAIR_SLICE_MS", default: 0, in: 0...600_000))
        maximumAttempts = try reader.integer("WORKER_MAX_ATTEMPTS", default: 0, in: 0...10_000)
        retryBase = try Self.duration(reader, "WORKER_RETRY_BASE", default: .seconds(1))
        retryMaximum = try Self.duration(reader, "WORKER_RETRY_MAX", default: .seconds(300))
        retryFor = try Self.duration(reader, "WORKER_RETRY_FOR", default: .seconds(600))
        if retryFor > .seconds(48 * 3600) {
            throw ConfigurationError(variable: "WORKER_RETRY_FOR", problem: "must be at most 48h (WeChat's reply window), got '\(reader.string("WORKER_RETRY_FOR") ?? "")'")
        }
        maximumDeliveries = try reader.integer("WORKER_MAX_DELIVERIES", default: 10, in: 1...1_000)
        deadLetterMaximumLength = try reader.integer("WORKER_DEAD_LETTER_MAXLEN", default: 100_000, in: 100...100_000_000)
        gaugeInterval = try Self.duration(reader, "WORKER_GAUGE_INTERVAL", default: .seconds(10), minimum: .milliseconds(100))
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
        if reader.string("WORKER_CALLBACK_IP_REFRESH")?.lowercased() == "off" {
            callbackIPRefresh = nil
        } else {
            callbackIPRefresh = try Self.duration(reader, "WORKER_CALLBACK_IP_REFRESH", default: .seconds(86_400), minimum: .seconds(1))
        }
        switch reader.string("WORKER_USER_PROFILE")?.lowercased() {
        case nil, "off", "false", "0": userProfile = false
        case "on", "true", "1": userProfile = true
        case let other?: throw ConfigurationError(variable: "WORKER_USER_PROFILE", problem: "must be on or off, got '\(other)'")
        }
        userProfileTTL = try Self.duration(reader, "WORKER_USER_PROFILE_TTL", default: .seconds(86_400), minimum: .seconds(1))
        userProfileTimeout = try Self.duration(reader, "WORKER_USER_PROFILE_TIMEOUT", default: .seconds(1), minimum: .milliseconds(10))
    }

    /// `500ms`, `2s`, `5m`, or a bare number of seconds.
    static func duration(_ reader: EnvironmentReader, _ name: String, default fallback: Duration, minimum: Duration = .zero) throws(ConfigurationError) -> Duration {
        guard let text = reader.string(name) else { return fallback }
        let lower = text.lowercased()
        let (digits, unit): (Substring, Duration) =
            lower.hasSuffix("ms")
            ? (lower.dropLast(2), .milliseconds(1))
            : lower.hasSuffix("s")
                ? (lower.dropLast(1), .seconds(1))
                : lower.hasSuffix("m")
                    ? (lower.dropLast(1), .seconds(60))
                    : lower.hasSuffix("h") ? (lower.dropLast(1), .seconds(3600)) : (Substring(lower), .seconds(1))
        guard let number = Int(digits), number >= 0, number <= 1_000_000_000 else {
            throw ConfigurationError(variable: name, problem: "must be a duration such as 500ms, 30s or 5m, got '\(text)'")
        }
        let value = unit * number
        guard value >= minimum else { throw ConfigurationError(variable: name, problem: "must be at least \(minimum), got '\(text)'") }
        return value
    }
}
