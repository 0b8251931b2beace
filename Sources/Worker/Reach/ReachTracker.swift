import Shared

/// Each user's reply-window allowance in Redis, shared by every worker of the account (``ReachScripts``,
/// keys in ``ReachKeys``), and what goes with reaching users outside it: one-time subscribe grants and
/// template receipts.
///
/// Fed by the inbound messages (``observe(_:)`` before the handler runs), spent right before each
/// customer-service call (``spend(_:)``), given back when WeChat did not take the message
/// (``refund(_:window:)``) and overridden by WeChat's answer (``override(_:with:)``: 45047, 45015).
struct ReachTracker: Sendable {
    /// What ``spend(_:)`` found.
    enum Spend: Sendable, Hashable {
        /// One message of this window was taken: send it.
        case spent(ReplyWindowRule)
        /// Nothing recorded for the user: send; WeChat decides.
        case untracked
        /// A window is open, its allowance used up (WeChat would answer 45047).
        case exhausted
        /// No window open (WeChat would answer 45015).
        case closed
    }

    /// WeChat's word on a send.
    enum Override: String, Sendable {
        /// 45047.
        case exhausted = "spent"
        /// 45015.
        case closed
    }

    let redis: RedisClient
    let keys: ReachKeys

    /// A window's record lives this long after its last change, so that "closed" stays known (and the
    /// next reply outside every window goes straight to the fallback) for a month.
    static let windowLifetime = Duration.seconds(30 * 24 * 3600)
    /// A template's link to its message is kept a week: receipts come within minutes.
    static let templateLinkSeconds = 7 * 24 * 3600

    /// Opens the window `message` opens, at the time the user acted (`CreateTime`), and answers what
    /// is left. One script call per message (or none: ``LeaseQueue/begin(_:index:dedupKey:reach:)``
    /// observes in the same step as the first send of a handler that does not read the window).
    func observe(_ message: InboundMessage) async throws(RedisError) -> ReachWindow {
        let reply = try await redis.run(ReachScripts.observe, keys: [RedisArgument(keys.window(message.fromUserName))], arguments: observeArguments(message))
        return ReachWindow(state: (reply.array ?? [])[...])
    }

    /// The OBSERVE script's ARGV for `message`: window, when the user acted, length, allowance, lifetime.
    func observeArguments(_ message: InboundMessage) -> [RedisArgument] {
        let rule = ReplyWindowRule(opening: message)
        return [
            RedisArgument(rule?.rawValue ?? "-"), RedisArgument(message.createTime * 1000),
            RedisArgument(rule?.duration.milliseconds ?? 0), RedisArgument(rule?.allowance ?? 0), RedisArgument(Self.windowLifetime.milliseconds),
        ]
    }

    /// Takes one message of the user's allowance, atomically.
    func spend(_ openID: String) async throws(RedisError) -> Spend {
        try Self.spendAnswer(try await redis.run(ReachScripts.spend, keys: [RedisArgument(keys.window(openID))]))
    }

    /// Reads the `spend` function's `{which}`.
    static func spendAnswer(_ reply: RESPValue) throws(RedisError) -> Spend {
        switch reply.array?.first?.string {
        case "unknown": return .untracked
        case "spent": return .exhausted
        case "closed": return .closed
        case let which?:
            guard let rule = ReplyWindowRule(rawValue: which) else { throw .unexpectedReply("the spend script answered \(which)") }
            return .spent(rule)
        case nil: throw .unexpectedReply("the spend script answered \(reply)")
        }
    }

    /// Gives back a message WeChat did not take (an errcode, a 5xx).
    func refund(_ openID: String, window: ReplyWindowRule) async throws(RedisError) {
        try await redis.run(
            ReachScripts.refund, keys: [RedisArgument(keys.window(openID))], arguments: [RedisArgument(window.rawValue), RedisArgument(window.allowance)])
    }

    /// Records WeChat's answer: 45047 (allowance spent) or 45015 (no window open).
    func override(_ openID: String, with answer: Override) async throws(RedisError) {
        try await redis.run(
            ReachScripts.override, keys: [RedisArgument(keys.window(openID))],
            arguments: [RedisArgument(answer.rawValue), RedisArgument(Self.windowLifetime.milliseconds)])
    }

    /// Records the one-time acceptances of a `subscribe_msg_popup_event` (`accept` entries only).
    func recordGrants(_ openID: String, templateIDs: [String]) async throws(RedisError) {
        guard !templateIDs.isEmpty else { return }
        let key = RedisArgument(keys.grants(openID))
        _ = try await redis.pipeline(templateIDs.map { RedisCommand("HINCRBY", key, RedisArgument($0), "1") })
    }

    /// Removes grants the user revoked (`subscribe_msg_change_event` with `reject`).
    func revokeGrants(_ openID: String, templateIDs: [String]) async throws(RedisError) {
        guard !templateIDs.isEmpty else { return }
        try await redis.send(RedisCommand([RedisArgument("HDEL"), RedisArgument(keys.grants(openID))] + templateIDs.map { RedisArgument($0) }))
    }

    /// Takes one grant of `templateID`; false when the user has none.
    func useGrant(_ openID: String, templateID: String) async throws(RedisError) -> Bool {
        try await redis.run(ReachScripts.useGrant, keys: [RedisArgument(keys.grants(openID))], arguments: [RedisArgument(templateID)]).integer == 1
    }

    /// Gives back a grant whose bizsend WeChat did not take.
    func restoreGrant(_ openID: String, templateID: String) async throws(RedisError) {
        try await redis.send("HINCRBY", RedisArgument(keys.grants(openID)), RedisArgument(templateID), "1")
    }

    /// Links a template WeChat accepted (`msgid`) to reply `index` of the message `dedupKey`.
    func linkTemplate(msgID: String, dedupKey: String, index: Int, user: String) async throws(RedisError) {
        let key = RedisArgument(keys.template(msgID))
        _ = try await redis.pipeline([
            RedisCommand(
                "HSET", key, "key", RedisArgument(dedupKey), "index", RedisArgument(index), "user", RedisArgument(user), "sent_at",
                RedisArgument(WallClock.milliseconds())),
            RedisCommand("EXPIRE", key, RedisArgument(Self.templateLinkSeconds)),
            RedisCommand("HINCRBY", RedisArgument(keys.receipts), "sent", "1"),
        ])
    }

    /// Records a `TEMPLATESENDJOBFINISH`; answers the originating message's dedup key and reply index,
    /// nil when the template was not sent by this relay (or more than a week ago).
    func recordReceipt(msgID: String, status: String) async throws(RedisError) -> (dedupKey: String, index: Int)? {
        let reply = try await redis.run(
            ReachScripts.receipt,
            keys: [RedisArgument(keys.template(msgID)), RedisArgument(keys.receipts), RedisArgument(keys.receiptLog)],
            arguments: [RedisArgument(msgID), RedisArgument(status), RedisArgument(WallClock.milliseconds())])
        guard let parts = reply.array, parts.count == 2, let key = parts[0].string, !key.isEmpty else { return nil }
        return (key, Int(parts[1].string ?? "") ?? 0)
    }
}
