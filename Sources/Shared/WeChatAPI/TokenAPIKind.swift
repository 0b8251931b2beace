/// Which WeChat endpoint issues access tokens (`WECHAT_TOKEN_API`).
public enum TokenAPIKind: String, Sendable, Hashable, CaseIterable {
    /// `POST /cgi-bin/stable_token` with `force_refresh: false`: repeated calls return the same token,
    /// and fetching never invalidates a token another system holds. The default.
    case stable
    /// `GET /cgi-bin/token`: every fetch issues a new token and retires the previous one (after ~5 min).
    case classic
}
