extension QueueKeys {
    /// The retry zset: messages waiting for their next attempt, scored by when it is due (Unix ms).
    public var retries: String { "\(prefix):retry" }
    /// The "reply `index` of this message was sent" marker, kept 48 h so a reclaimed or replayed
    /// message never sends a reply twice.
    public func sent(_ dedupKey: String, index: Int) -> String { "\(prefix):sent:\(dedupKey):\(index)" }
}
