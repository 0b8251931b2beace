/// When a Redis connection may try to connect again after a failure: the wait doubles from the
/// configuration's minimum to its maximum, and until it has passed callers fail fast with the last error,
/// so nobody hangs on a Redis that is down. Shared by both connection designs; owned by one connection.
struct RedisReconnectBackoff {
    private let url: RedisURL
    private let minimum: Duration
    private let maximum: Duration
    private var backoff: Duration
    private var retryAfter: ContinuousClock.Instant?
    /// The error that ended the last connection or connect attempt.
    private(set) var lastFailure: RedisError?

    init(configuration: RedisClientConfiguration) {
        url = configuration.url
        minimum = configuration.minimumBackoff
        maximum = configuration.maximumBackoff
        backoff = configuration.minimumBackoff
    }

    /// Nil when a connect attempt may start now; otherwise the error to fail callers with.
    func refusal(now: ContinuousClock.Instant = .now) -> RedisError? {
        guard let retryAfter, now < retryAfter else { return nil }
        let reason = lastFailure.map { String(describing: $0) } ?? "unknown error"
        return .connection("Redis at \(url) is unavailable, next connect attempt in \(retryAfter - now) (last error: \(reason))")
    }

    /// A connect attempt succeeded: the next failure waits the minimum again.
    mutating func connected() {
        retryAfter = nil
        backoff = minimum
    }

    /// A connect attempt failed: no new attempt before the backoff has passed, and the backoff doubles.
    mutating func connectFailed(_ error: RedisError, now: ContinuousClock.Instant = .now) {
        lastFailure = error
        retryAfter = now + backoff
        backoff = min(backoff * 2, maximum)
    }

    /// An open connection broke (I/O error, timeout): remembered for the message, reconnecting at once.
    mutating func connectionLost(_ error: RedisError) {
        lastFailure = error
    }
}
