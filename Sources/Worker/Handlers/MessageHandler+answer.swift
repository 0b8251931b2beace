import Shared

extension MessageHandler {
    /// The default answer: ``handle(_:)``'s messages, without fallback, long texts split.
    func answer(_ message: InboundMessage, reach: ReachContext) async throws -> [Reply] {
        try await handle(message).map { Reply($0) }
    }
}
