import Shared

/// One-time tickets for the session JWT, appended to the return URL as `wx_ticket=…` for apps on
/// another domain than the cookie's (or whose webview lost it): the app's server swaps the ticket for
/// the JWT with `POST /oauth/redeem` within two minutes, once (`GETDEL`).
struct HandoffTickets: Sendable {
    let redis: RedisClient
    let keys: WebKeys
    var lifetimeSeconds = 120

    func issue(session jwt: String) async throws(RedisError) -> String {
        let ticket = RandomToken.make()
        _ = try await redis.send("SET", RedisArgument(keys.handoff(ticket)), RedisArgument(jwt), "EX", RedisArgument(lifetimeSeconds))
        return ticket
    }

    func redeem(_ ticket: String) async throws(RedisError) -> String? {
        guard RandomToken.isWellFormed(ticket) else { return nil }
        return try await redis.send("GETDEL", RedisArgument(keys.handoff(ticket))).string
    }
}
