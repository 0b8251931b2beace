/// What the fake remembers of web-page OAuth and the JS-SDK: issued codes (single use, five minutes),
/// the users' web-auth and refresh tokens, and each account's current jsapi_ticket.
struct FakeWebState: Sendable {
    struct Grant: Sendable {
        var appID: String
        var openID: String
        /// `snsapi_base` or `snsapi_userinfo`.
        var scope: String
        var expiresAt: ContinuousClock.Instant
        /// Codes only: exchanged once already.
        var used = false
    }

    struct Ticket: Sendable {
        var value: String
        var expiresAt: ContinuousClock.Instant
    }

    var codes: [String: Grant] = [:]
    var accessTokens: [String: Grant] = [:]
    var refreshTokens: [String: Grant] = [:]
    /// AppID → its jsapi_ticket.
    var tickets: [String: Ticket] = [:]
    /// The authorize page answers as if every user refused (`wxsim api --refuse-consent`).
    var refuseConsent = false
    var issued = 0
}
