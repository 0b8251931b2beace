/// A WeChat API `errcode`, with its meaning and the retry class the worker applies.
///
/// The one table of known codes is ``table``; ``retryClass`` looks a code up there. `0` is success
/// and has no retry class.
public struct WeChatErrorCode: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
    public let rawValue: Int

    public init(rawValue: Int) {
        self.rawValue = rawValue
    }

    public init(_ rawValue: Int) {
        self.rawValue = rawValue
    }

    /// A known code: what WeChat says it means and what to do about it.
    public struct Entry: Sendable, Hashable {
        public var meaning: String
        public var retryClass: WeChatRetryClass
    }

    public var isSuccess: Bool { rawValue == 0 }

    /// The retry class; nil for success.
    ///
    /// Unknown codes are ``WeChatRetryClass/permanent``. That is the safe default: WeChat's transient
    /// codes are few and listed here, while unknown ones are in practice request or configuration
    /// errors (4xxxx/48xxx/6xxxx) that a retry repeats, spending the rate-limited send quota. A
    /// permanent failure goes to the dead-letter stream with its code, from where it can be replayed
    /// once someone has looked, so nothing is lost by not retrying.
    public var retryClass: WeChatRetryClass? {
        guard !isSuccess else { return nil }
        return Self.table[rawValue]?.retryClass ?? .permanent
    }

    /// WeChat's meaning of a known code, for logs and dead-letter reasons.
    public var meaning: String? { Self.table[rawValue]?.meaning }

    public var description: String {
        "errcode \(rawValue)" + (meaning.map { " (\($0))" } ?? "")
    }

    /// Every code this project knows (sources: WeChat's global return-code table, WxJava's
    /// `WxMpErrorMsgEnum`, developer-community threads; see the protocol notes §8).
    public static let table: [Int: Entry] = [
        -1: Entry(meaning: "system busy", retryClass: .retryLater),
        40001: Entry(meaning: "invalid credential: access_token invalid or not latest, or wrong AppSecret", retryClass: .refreshToken),
        40014: Entry(meaning: "invalid access_token", retryClass: .refreshToken),
        42001: Entry(meaning: "access_token expired", retryClass: .refreshToken),
        45011: Entry(meaning: "API minute quota reached, retry next minute", retryClass: .retryLater),
        // The daily quota only resets the next day (or through clear_quota): backoff retries within one
        // message's lifetime would all fail, so the message is dead-lettered for a later replay.
        45009: Entry(meaning: "API daily quota reached", retryClass: .permanent),
        45015: Entry(meaning: "outside the reply window or the user unfollowed", retryClass: .permanent),
        45047: Entry(meaning: "customer-service message quota used up until the user interacts again", retryClass: .permanent),
        43004: Entry(meaning: "receiver has not followed the account", retryClass: .permanent),
        40003: Entry(meaning: "invalid openid", retryClass: .permanent),
        48001: Entry(meaning: "API unauthorized for this account", retryClass: .permanent),
        40007: Entry(meaning: "invalid media_id", retryClass: .permanent),
        40013: Entry(meaning: "invalid appid", retryClass: .permanent),
        40125: Entry(meaning: "invalid appsecret", retryClass: .permanent),
        40164: Entry(meaning: "calling IP not in the API allowlist", retryClass: .permanent),
        45002: Entry(meaning: "content too long", retryClass: .permanent),
        45003: Entry(meaning: "title too long", retryClass: .permanent),
        45072: Entry(meaning: "typing: invalid command", retryClass: .permanent),
        45080: Entry(meaning: "typing: no user interaction in the last 30 s", retryClass: .permanent),
        45081: Entry(meaning: "typing: already typing", retryClass: .permanent),
    ]
}
