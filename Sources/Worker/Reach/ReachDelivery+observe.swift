import Shared

extension ReachDelivery {
    /// What an inbound message tells about reaching its sender, recorded before the handler runs: the
    /// window it opens (every message answers the current one), an unfollow closing it, a template
    /// receipt linked to its reply, one-time subscribe acceptances or refusals.
    func observe(_ message: InboundMessage) async throws(RedisError) -> ReachContext {
        var context = ReachContext(window: try await tracker.observe(message), receipt: nil)
        guard case .event(let event) = message.kind else { return context }
        switch event {
        case .templateSendJobFinish(let msgID, let status):
            let origin = try await tracker.recordReceipt(msgID: msgID, status: status)
            metrics.receipt(status: origin == nil ? "unknown" : status)
            context.receipt = ReachContext.Receipt(msgID: msgID, status: status, origin: origin)
        case .subscribeMessagePopup(let items):
            try await tracker.recordGrants(message.fromUserName, templateIDs: items.filter { $0.status == "accept" }.map(\.templateID))
            try await tracker.revokeGrants(message.fromUserName, templateIDs: items.filter { $0.status == "reject" }.map(\.templateID))
        case .unsubscribe:
            // WeChat answers 45015 to a user who unfollowed: the fallback goes at once.
            try await tracker.override(message.fromUserName, with: .closed)
            context.window = ReachWindow(isTracked: true, left: 0, endsAt: nil)
        case .subscribeMessageChange(let items):
            try await tracker.revokeGrants(message.fromUserName, templateIDs: items.filter { $0.status == "reject" }.map(\.templateID))
        default:
            break
        }
        return context
    }
}
