/// What a worker does after the WeChat API answered with an `errcode` (see ``WeChatErrorCode``).
public enum WeChatRetryClass: String, Sendable, Hashable, Codable, CaseIterable {
    /// The access_token is invalid, expired or superseded: refresh it (single-flight, shared) and send
    /// again once. If the same code comes back, the AppSecret or IP allowlist is wrong: treat as permanent.
    case refreshToken
    /// A transient condition (system busy, per-minute quota): retry later with backoff.
    case retryLater
    /// Retrying the same request cannot succeed: dead-letter it with the code.
    case permanent

    /// What an HTTP status without a WeChat errcode calls for, from WeChat's API or the user's webhook:
    /// 5xx and 429 are transient, anything else is permanent (a 2xx is not a failure and not asked about).
    public static func forHTTPStatus(_ status: Int) -> WeChatRetryClass {
        status >= 500 || status == 429 ? .retryLater : .permanent
    }
}
