import Logging

/// The account's jsapi_ticket (`/cgi-bin/ticket/getticket?type=jsapi`), shared by every process through
/// Redis at `wx:{appid}:ticket:jsapi` exactly like the access_token: a ``SharedCredential`` with early
/// refresh, a single-flight fetch under `wx:{appid}:ticket:jsapi:lock` and compare-and-expire.
///
/// A fetch answered 40001/40014/42001 (the access_token it used was stale) expires that token and tries
/// once more with a fresh one, so a ticket is never fetched, and never cached, from a stale token.
public final class JSAPITicketProvider: Sendable {
    public let tokens: AccessTokenProvider
    public let credential: SharedCredential

    public init(
        tokens: AccessTokenProvider, lockLease: Duration = .seconds(15), localCacheLifetime: Duration = .seconds(5),
        logger: Logger = Logger(label: "jsapi-ticket"), observer: (@Sendable (SharedCredential.Event) -> Void)? = nil
    ) {
        self.tokens = tokens
        credential = SharedCredential(
            redis: tokens.redis, key: "\(QueueKeys(appID: tokens.appID).prefix):ticket:jsapi", name: "jsapi_ticket",
            lockLease: lockLease, localCacheLifetime: localCacheLifetime, logger: logger, observer: observer
        ) { () async throws(WeChatAPIError) -> AccessToken in
            try await tokens.withToken { token async throws(WeChatAPIError) in try await tokens.api.fetchTicket(accessToken: token) }
        }
    }

    /// A valid ticket, never `excluding` (one the caller saw rejected).
    public func ticket(excluding failed: String? = nil) async throws(WeChatAPIError) -> String {
        try await credential.value(excluding: failed)
    }

    /// Expires `ticket` if it is still the cached one.
    public func invalidate(_ ticket: String) async {
        await credential.invalidate(ticket)
    }
}
