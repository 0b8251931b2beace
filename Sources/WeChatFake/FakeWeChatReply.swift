import Shared

/// One customer-service send the fake API received, as `GET /wxsim/replies` serves it to other processes
/// (`wxsim chat`, `wxsim send --wait`, `wxsim load`).
public struct FakeWeChatReply: Sendable, Hashable, Codable {
    /// Its position among all calls the fake answered; ask for `after=seq` to get only newer ones.
    public var seq: Int
    /// The recipient's OpenID (empty if the body was unreadable).
    public var toUser: String
    /// What was answered: 0 when WeChat would have delivered it, else the errcode (-2: HTTP 500).
    public var errcode: Int
    /// When it arrived, milliseconds since 1970.
    public var receivedAt: Int64
    /// The message, when the body was a valid customer-service message.
    public var message: CustomerServiceMessage?

    public init(seq: Int, call: FakeWeChatCall) {
        self.seq = seq
        toUser = call.message?.toUser ?? ""
        errcode = call.errcode ?? -2
        receivedAt = call.receivedAt
        message = call.message
    }
}

/// The body of `GET /wxsim/replies`.
public struct FakeWeChatReplies: Sendable, Codable {
    public var replies: [FakeWeChatReply]
    /// Pass as `after` next time.
    public var next: Int
}
