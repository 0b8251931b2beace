/// Why a call to the WeChat API did not succeed, and what the caller should do about it
/// (``retryClass``).
public enum WeChatAPIError: Error, Sendable, Hashable, CustomStringConvertible {
    /// WeChat answered with a non-zero `errcode`.
    case api(errcode: Int, errmsg: String)
    /// The HTTP status was not 200 (5xx are transient, other statuses permanent).
    case http(status: Int)
    /// The request did not complete: connection refused or reset, timeout, TLS.
    case transport(String)
    /// The answer was not the JSON WeChat sends.
    case invalidResponse(String)
    /// No access_token could be had: another process held the refresh lock for longer than the wait, or
    /// Redis was unreachable.
    case tokenUnavailable(String)

    /// The errcode, when WeChat sent one.
    public var errcode: Int? {
        if case .api(let code, _) = self { return code }
        return nil
    }

    /// What to do: transient failures are ``WeChatRetryClass/retryLater``, an errcode follows
    /// ``WeChatErrorCode/retryClass``.
    public var retryClass: WeChatRetryClass {
        switch self {
        case .api(let code, _): return WeChatErrorCode(code).retryClass ?? .permanent
        case .http(let status): return .forHTTPStatus(status)
        case .transport, .tokenUnavailable: return .retryLater
        case .invalidResponse: return .retryLater
        }
    }

    /// A short word for metrics and dead letters.
    public var reason: DeadLetterReason {
        switch self {
        case .api: return .errcode
        case .http: return .httpStatus
        case .transport: return .transport
        case .invalidResponse: return .invalidResponse
        case .tokenUnavailable: return .tokenUnavailable
        }
    }

    public var description: String {
        switch self {
        case .api(let code, let message): return "\(WeChatErrorCode(code)): \(message)"
        case .http(let status): return "HTTP status \(status)"
        case .transport(let message): return "transport error: \(message)"
        case .invalidResponse(let message): return "invalid response: \(message)"
        case .tokenUnavailable(let message): return "no access_token: \(message)"
        }
    }
}
