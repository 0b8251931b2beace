/// The two web-page OAuth scopes: `base` is silent and yields the openid; `userinfo` asks the user and
/// also yields the nickname and avatar (`/sns/userinfo`).
enum OAuthScope: String, Codable, Sendable {
    case base, userinfo

    /// The `scope` parameter of WeChat's authorize page.
    var wechatName: String { self == .base ? "snsapi_base" : "snsapi_userinfo" }
}
