/// What a worker does after the WeChat API answered with an `errcode` (see ``WeChatErrorCode``).
public enum WeChatRetryClass: String, Sendable, Hashable, Codable, CaseIterable {
    /// The access_token is invalid, expired or superseded: refresh it (single-flight, shared) and send
    /// again once. If the same code comes back, the AppSecret or IP allowlist is wrong: treat as permanent.
    case refreshToken
    /// A transient condition (system busy, per-minute quota): retry later with backoff.
    case retryLater
    /// Retrying the same request cannot succeed: dead-letter it with the code.
    case permanent
}
