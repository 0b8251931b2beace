import Shared

/// One user held by this worker: the fencing token its grant came with and the message at the head of
/// the user's queue, which this worker alone may handle until it finishes it or the lease expires.
struct Lease: Sendable, Hashable {
    /// The user's openid.
    var user: String
    /// The token of this grant; every script that acts for the lease checks it is still the owner's.
    var token: String
    /// The head of the user's queue.
    var record: QueueRecord
    /// When this head first failed (Unix ms), nil when it has not failed yet: the retry time budget runs from it.
    var failingSince: Int64?
    /// When this process asked for the grant (at or before Redis made it): the fairness slice
    /// (`WORKER_FAIR_SLICE_MS`) runs from it, and a lease kept for the user's next head keeps it.
    var grantedAt: ContinuousClock.Instant
}
