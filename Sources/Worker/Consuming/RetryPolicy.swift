/// When a failed message is tried again: exponential backoff with jitter, a bounded number of attempts.
///
/// Delay before attempt `n + 1` (after `n` failed attempts, `n ≥ 1`): `min(base · 2^(n-1), maximum)`
/// times a random factor in `[0.5, 1.5)`; at least 60 s after 45011 (per-minute quota).
struct RetryPolicy: Sendable, Hashable {
    var maximumAttempts: Int
    var base: Duration
    var maximum: Duration

    /// The delay after `failedAttempts` attempts, or nil when none are left.
    func delay(afterAttempts failedAttempts: Int, errcode: Int? = nil) -> Duration? {
        guard failedAttempts < maximumAttempts else { return nil }
        let exponent = min(max(failedAttempts - 1, 0), 30)
        var delay = min(base * (1 << exponent), maximum)
        delay = delay * Double.random(in: 0.5..<1.5)
        if errcode == 45011 { delay = max(delay, .seconds(60)) }
        return delay
    }
}
