/// When a failed message is tried again: capped exponential backoff with jitter for as long as the time
/// budget allows, counted from the message's first failure (`WORKER_RETRY_FOR`), and optionally at most
/// `maximumAttempts` attempts (`WORKER_MAX_ATTEMPTS`, 0: no count limit).
///
/// Delay before attempt `n + 1` (after `n` failed attempts, `n ≥ 1`): `min(base · 2^(n-1), maximum)`
/// times a random factor in `[0.5, 1.5)`; at least 60 s after 45011 (per-minute quota); never past the end
/// of the budget. Once the budget is spent the message is dead-lettered.
struct RetryPolicy: Sendable, Hashable {
    var maximumAttempts: Int
    var base: Duration
    var maximum: Duration
    /// How long after its first failure a message is still retried.
    var budget: Duration

    /// The delay after `failedAttempts` attempts when the first failure was `elapsed` ago, or nil when
    /// the message has no retry left.
    func delay(afterAttempts failedAttempts: Int, elapsed: Duration = .zero, errcode: Int? = nil) -> Duration? {
        if maximumAttempts > 0 && failedAttempts >= maximumAttempts { return nil }
        let exponent = min(max(failedAttempts - 1, 0), 30)
        var delay = min(base * (1 << exponent), maximum)
        delay = delay * Double.random(in: 0.5..<1.5)
        if errcode == 45011 { delay = max(delay, .seconds(60)) }
        guard elapsed < budget else { return nil }
        return min(delay, budget - elapsed)
    }
}
