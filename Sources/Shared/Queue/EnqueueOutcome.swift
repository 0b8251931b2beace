/// What became of one message handed to ``InboundQueue/enqueue(_:)``.
public enum EnqueueOutcome: Sendable, Hashable {
    /// Added at the end of its user's queue.
    case queued
    /// Added, but before messages of the same user with a later `CreateTime` that were already queued (a
    /// spool replay or a WeChat retry arriving late), so the user's order holds.
    case queuedInOrder
    /// A retry of a message already queued (its dedup key was seen within the dedup window); not added again.
    case duplicate
    /// Not added: the backlog is at its cap (`QUEUE_MAXLEN`). Nothing was marked; the caller answers 503
    /// (WeChat retries) or keeps the message in the spool.
    case full

    /// The message is in Redis (newly or before).
    public var isSafe: Bool { self != .full }
}
