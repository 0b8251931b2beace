import Shared

/// The business logic of the worker: one inbound message in, zero or more outbound messages out, sent
/// to the message's sender through the customer-service API.
///
/// Implementations must be safe to call concurrently (messages of different users run at once) and
/// should be idempotent in their side effects: a message can be handled again after a crash.
/// Throw ``HandlerError/retryLater(_:)`` for a transient failure (the message is retried with backoff)
/// and ``HandlerError/permanent(_:)`` for one a retry cannot fix (dead-lettered); any other error counts
/// as transient.
///
/// ```swift
/// struct ShoutHandler: MessageHandler {
///     func handle(_ message: InboundMessage) async throws -> [CustomerServiceMessage.Content] {
///         guard case .text(let content, _) = message.kind else { return [] }
///         return [.text(content.uppercased())]
///     }
/// }
/// ```
///
/// A handler that wants to know the user's reply window or to give replies a fallback (template or
/// subscribe message) or a long-text policy implements ``answer(_:reach:)`` instead; the worker calls
/// only that one (its default runs ``handle(_:)``).
protocol MessageHandler: Sendable {
    func handle(_ message: InboundMessage) async throws -> [CustomerServiceMessage.Content]
    /// The replies to `message`, knowing what can reach the user (``ReachContext``).
    func answer(_ message: InboundMessage, reach: ReachContext) async throws -> [Reply]
    /// Whether ``answer(_:reach:)`` reads the reply window. When false, the worker opens the message's
    /// window in the same Redis step as the first send instead of before the handler (one round trip
    /// less per message) and passes ``ReachWindow/untracked``. True unless a handler says otherwise.
    var readsReach: Bool { get }
}
