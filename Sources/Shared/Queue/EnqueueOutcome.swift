/// What became of one message handed to ``InboundQueue/enqueue(_:)``.
public enum EnqueueOutcome: Sendable, Hashable {
    /// Added to the stream under this entry ID.
    case queued(id: String)
    /// A retry of a message already queued (its dedup key was seen within the dedup window); not added again.
    case duplicate
}
