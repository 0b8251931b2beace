/// How the worker delivers one message's replies, written by the ingress into the envelope (`"r"`).
///
/// - `async`: customer-service messages (also every envelope without `"r"`, written before issue 16).
/// - `passive` / `hybrid`: offered to the ingress waiting on the push (``PassiveReplyBoard``); what the
///   ingress does not take goes with the user's next message (`passive`) or by customer service (`hybrid`).
/// - `deferred`: nobody waits (a `passive` account's message spooled while Redis was down): the texts go
///   with the user's next message at once.
public enum ReplyPath: String, Sendable, Hashable, CaseIterable {
    case async, passive, hybrid, deferred

    /// The path of a message the ingress queued in Redis for an account in `mode`.
    public init(mode: ReplyMode) {
        switch mode {
        case .async: self = .async
        case .passive: self = .passive
        case .hybrid: self = .hybrid
        }
    }

    /// The path of a message that went to the spool instead: nobody waits for its answer.
    public var spooled: ReplyPath {
        switch self {
        case .passive, .deferred: return .deferred
        case .async, .hybrid: return .async
        }
    }
}
