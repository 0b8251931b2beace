/// What a sign-in in progress remembers server-side under its random `state` (no cookie needed, since
/// WeChat's webview loses them): where to go back to, and the scope asked for.
struct OAuthState: Codable, Sendable {
    var returnURL: String
    var scope: OAuthScope
    /// True when this flow is already the one automatic restart after an expired or used code.
    var restarted: Bool
}
