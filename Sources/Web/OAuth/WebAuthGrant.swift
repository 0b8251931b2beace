import Shared

/// What `/sns/oauth2/access_token` and `/sns/oauth2/refresh_token` answer: the user's web-auth token
/// (not the account's access_token), its refresh token and who the user is.
struct WebAuthGrant: Sendable, Hashable {
    var accessToken: String
    var expiresIn: Int
    var refreshToken: String
    var openID: String
    /// Comma-separated granted scopes (`snsapi_base`, `snsapi_userinfo`).
    var scope: String
    var unionID: String?
    /// `is_snapshotuser: 1`.
    var snapshot: Bool

    init(reply: [String: JSONValue]) throws(WeChatAPIError) {
        guard let token = reply["access_token"]?.string, !token.isEmpty, let openID = reply["openid"]?.string, !openID.isEmpty else {
            throw .invalidResponse("no access_token or openid in the web-auth reply")
        }
        accessToken = token
        expiresIn = reply["expires_in"]?.int ?? 7200
        refreshToken = reply["refresh_token"]?.string ?? ""
        self.openID = openID
        scope = reply["scope"]?.string ?? ""
        unionID = reply["unionid"]?.string
        snapshot = reply["is_snapshotuser"]?.int == 1
    }
}
