import Shared

/// What the fake remembers to answer like WeChat outside the customer-service window: each user's reply
/// windows (opened by the pushes it was told of), the account's templates, template sends by
/// `client_msg_id`, one-time subscribe grants, uploaded media, and where to push receipts.
struct FakeReachState: Sendable {
    /// One user's windows (Unix ms; see ``ReplyWindowRule``).
    struct Windows: Sendable, Hashable {
        var messageOpenedAt: Int64 = -1
        var messageUntil: Int64 = 0
        var messageLeft = 0
        var interactionOpenedAt: Int64 = -1
        var interactionUntil: Int64 = 0
        var interactionLeft = 0
    }

    /// One uploaded medium.
    struct Media: Sendable, Hashable {
        var type: String
        var bytes: Int
        var createdAt: Int64
    }

    /// A template sent: to whom, its msgid, and when (for `client_msg_id`'s 10 minutes).
    struct TemplateSend: Sendable, Hashable {
        var msgID: Int64
        var at: Int64
    }

    var windows: [String: Windows] = [:]
    /// template_id → its keywords (`thing1`, `time2`, …).
    var templates: [String: Set<String>] = [:]
    /// Templates WeChat restricted (43116).
    var restrictedTemplates: Set<String> = []
    /// `openid#client_msg_id` → the send it made.
    var templateSends: [String: TemplateSend] = [:]
    var nextMsgID: Int64 = 200_000_000
    /// openid → template_id → one-time acceptances left.
    var grants: [String: [String: Int]] = [:]
    /// media_id → the upload.
    var media: [String: Media] = [:]
    var uploads = 0
    /// Templates still to deliver with their answer lost (HTTP 500).
    var templateAnswersToLose = 0
    /// Receipts go back through this pusher (the account's URL), when set.
    var receiptPusher: WeChatPusher?
    /// openid → the receipt status its templates get (default `success`).
    var receiptStatus: [String: String] = [:]
    /// The template and subscribe messages delivered, in order.
    var delivered: [FakeTemplateDelivery] = []
}

/// A template or subscribe message the fake delivered.
public struct FakeTemplateDelivery: Sendable, Hashable {
    /// `/cgi-bin/message/template/send` or `/cgi-bin/message/subscribe/bizsend`.
    public var path: String
    public var toUser: String
    public var templateID: String
    /// `data.KEY.value`.
    public var data: [String: String]
    /// The msgid answered (templates only).
    public var msgID: Int64?
    public var clientMessageID: String?
}
