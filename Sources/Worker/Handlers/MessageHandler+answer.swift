import Shared

extension MessageHandler {
    /// Conservative: a handler might read the window unless it says it does not.
    var readsReach: Bool { true }

    /// The default answer: ``handle(_:)``'s messages, without fallback, long texts split.
    func answer(_ message: InboundMessage, reach: ReachContext) async throws -> [Reply] {
        try await handle(message).map { Reply($0) }
    }
}
