/// Every Redis key of one Official Account's queue, derived from its appid in one place.
///
/// All keys share the hash tag `{appid}`, so the scripts that touch several of them stay valid on Redis
/// Cluster, where a script's keys must live in one slot. The layout (see docs/ordering.md):
///
/// | key | type | what |
/// | --- | --- | --- |
/// | `wx:{appid}:q:<openid>` | list | one user's messages, oldest first (``QueueRecord``); the head stays while in flight |
/// | `wx:{appid}:active` | set | users with messages queued (the autoscaling signal: useful parallelism) |
/// | `wx:{appid}:ready` | zset | users with messages and no lease, scored by when they may be taken (Unix ms) |
/// | `wx:{appid}:owner` | hash | openid → lease token of the worker holding that user |
/// | `wx:{appid}:deadline` | zset | openid → when that lease expires (Unix ms) |
/// | `wx:{appid}:seq` | counter | lease token sequence |
/// | `wx:{appid}:backlog` | counter | messages queued in all users' lists |
/// | `wx:{appid}:wake` | list | wake-up signals for idle workers (`BLPOP`) |
/// | `wx:{appid}:stalls` / `:failing` | hash | openid → leases of its head that expired / when its head first failed |
/// | `wx:{appid}:dead` | stream | dead letters |
public struct QueueKeys: Sendable, Hashable {
    /// `wx:{appid}`: the prefix of every key.
    public let prefix: String

    public init(appID: String) { prefix = "wx:{\(appID)}" }

    /// The list of one user's messages.
    public func userQueue(_ openID: String) -> String { userQueuePrefix + openID }
    /// What ``userQueue(_:)`` puts before the openid (scripts that find users in `ready` build it from this).
    public var userQueuePrefix: String { "\(prefix):q:" }
    /// Users with at least one message queued, held or not: what KEDA scales the workers on (`SCARD`).
    public var activeUsers: String { "\(prefix):active" }
    /// Users with work and no lease, scored by not-before (Unix ms).
    public var ready: String { "\(prefix):ready" }
    /// openid → lease token.
    public var owner: String { "\(prefix):owner" }
    /// openid → lease deadline (Unix ms).
    public var deadline: String { "\(prefix):deadline" }
    /// The lease token counter.
    public var leaseSequence: String { "\(prefix):seq" }
    /// How many messages wait in all users' lists.
    public var backlog: String { "\(prefix):backlog" }
    /// Wake-up signals for idle workers.
    public var wake: String { "\(prefix):wake" }
    /// openid → how many leases of its current head expired (the poison-message count).
    public var stalls: String { "\(prefix):stalls" }
    /// openid → when its current head first failed (Unix ms), for the retry time budget.
    public var failing: String { "\(prefix):failing" }
    /// The dead-letter stream: messages that could not be handled, with the reason; kept for replay.
    public var deadLetters: String { "\(prefix):dead" }
    /// The "already queued" marker of one inbound message.
    public func dedup(_ key: String) -> String { "\(prefix):dedup:\(key)" }
    /// The "reply `index` of this message was sent" marker, kept 48 h so a message handled again never
    /// sends a reply twice.
    public func sent(_ dedupKey: String, index: Int) -> String { "\(prefix):sent:\(dedupKey):\(index)" }
    /// The "a worker began sending reply `index`" marker: the lease token that began it.
    public func sending(_ dedupKey: String, index: Int) -> String { "\(prefix):sending:\(dedupKey):\(index)" }

    /// The stream of releases before per-user queues (read once by ``LegacyStream`` to move its entries).
    public var legacyStream: String { "\(prefix):in" }
    /// The retry zset of releases before per-user queues.
    public var legacyRetries: String { "\(prefix):retry" }
}
