import Shared

/// The `/sns/*` calls of web-page OAuth (no caching here: ``CodeExchange`` and ``WebUserProfiles`` decide).
struct WebAuthClient: Sendable {
    let api: WeChatAPIClient
    let appID: String
    let secret: String

    /// `/sns/oauth2/access_token`: a code for the user's grant. A code works once (40163 after) and
    /// for five minutes (40029 after).
    func exchange(code: String) async throws(WeChatAPIError) -> WebAuthGrant {
        try WebAuthGrant(
            reply: try await api.get(
                path: "/sns/oauth2/access_token",
                query: [("appid", appID), ("secret", secret), ("code", code), ("grant_type", "authorization_code")]))
    }

    /// `/sns/oauth2/refresh_token`: a new web-auth token (40030 once the refresh token is dead).
    func refresh(refreshToken: String) async throws(WeChatAPIError) -> WebAuthGrant {
        try WebAuthGrant(
            reply: try await api.get(
                path: "/sns/oauth2/refresh_token", query: [("appid", appID), ("grant_type", "refresh_token"), ("refresh_token", refreshToken)]))
    }

    /// `/sns/userinfo` for a `snsapi_userinfo` grant: nickname, avatar, unionid (sex and region are empty since 2021).
    func userInfo(accessToken: String, openID: String) async throws(WeChatAPIError) -> [String: JSONValue] {
        try await api.get(path: "/sns/userinfo", query: [("access_token", accessToken), ("openid", openID), ("lang", "zh_CN")])
    }
}
