import Shared

/// One request the fake API answered, as recorded for tests and printed by `wxsim api`.
public struct FakeWeChatCall: Sendable, Hashable {
    /// `/cgi-bin/token`, `/cgi-bin/stable_token`, `/cgi-bin/message/custom/send`, `/cgi-bin/message/custom/typing`, ...
    public var path: String
    /// The HTTP status answered.
    public var status: Int
    /// The errcode answered (0 for success; nil for HTTP errors).
    public var errcode: Int?
    /// The AppID the call was for (from the credentials or the token), when known.
    public var appID: String?
    /// The decoded customer-service message of a send, when the body was valid.
    public var message: CustomerServiceMessage?
    /// The raw request body, as text.
    public var body: String
    /// When the request arrived, in milliseconds since 1970 (``WallClock``), so another process on the
    /// same machine can time a reply from its own POST.
    public var receivedAt: Int64
    /// When the answer was given (after any injected latency), in milliseconds since 1970: a send is
    /// in flight from ``receivedAt`` to here, which is what the ordering tests compare.
    public var answeredAt: Int64 = WallClock.milliseconds()

    /// True for a customer-service send that WeChat would have delivered.
    public var isDeliveredMessage: Bool { path == FakeWeChatAPI.sendPath && errcode == 0 }
}
