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
        // Custom menu (menu/create, addconditional, get) and QR codes: request errors a retry repeats.
        40015: Entry(meaning: "invalid menu type", retryClass: .permanent),
        40016: Entry(meaning: "invalid button count: 1-3 top buttons (or the {\"menu\":…} object of menu/get sent as is)", retryClass: .permanent),
        40017: Entry(meaning: "invalid button type", retryClass: .permanent),
        40018: Entry(meaning: "invalid button name size: at most 16 bytes", retryClass: .permanent),
        40019: Entry(meaning: "invalid button key size: 1-128 bytes", retryClass: .permanent),
        40020: Entry(meaning: "invalid button URL size: 1-1024 bytes", retryClass: .permanent),
        40023: Entry(meaning: "invalid sub-button count: 1-5 per top button", retryClass: .permanent),
        40024: Entry(meaning: "invalid sub-button type", retryClass: .permanent),
        40025: Entry(meaning: "invalid sub-button name size: at most 60 bytes", retryClass: .permanent),
        40026: Entry(meaning: "invalid sub-button key size: 1-128 bytes", retryClass: .permanent),
        40027: Entry(meaning: "invalid sub-button URL size (a view button needs url, not key)", retryClass: .permanent),
        40033: Entry(meaning: "the body has \\uXXXX escapes: send UTF-8 as is", retryClass: .permanent),
        40054: Entry(meaning: "invalid sub-button URL domain", retryClass: .permanent),
        40055: Entry(meaning: "invalid button URL domain", retryClass: .permanent),
        40097: Entry(meaning: "invalid arguments", retryClass: .permanent),
        45010: Entry(meaning: "too many menus", retryClass: .permanent),
        46003: Entry(meaning: "no menu set through the API", retryClass: .permanent),
        47001: Entry(meaning: "data format error", retryClass: .permanent),
        65303: Entry(meaning: "a conditional menu needs a default menu first", retryClass: .permanent),
        65305: Entry(meaning: "conditional menu quota reached", retryClass: .permanent),
        65316: Entry(meaning: "conditional menus link to more than 3 domains", retryClass: .permanent),
        65318: Entry(meaning: "must use UTF-8", retryClass: .permanent),
        65320: Entry(meaning: "matchrule has a privacy field (sex, country, province, city, language): only tag_id and client_platform_type", retryClass: .permanent),
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
