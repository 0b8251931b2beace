import Logging

/// One access_token for every process of one AppID, kept in Redis at `wx:{appid}:token`: a
/// ``SharedCredential`` (early refresh, single-flight fetch under `wx:{appid}:token:lock`,
/// compare-and-expire) whose fetch is `/cgi-bin/stable_token` or `/cgi-bin/token`.
///
/// ``invalidate(_:)`` is for 40001/40014/42001 answers: it expires the cached token only if it is still
/// the one that failed.
public final class AccessTokenProvider: Sendable {
    /// What the provider did, for metrics.
    public typealias TokenEvent = SharedCredential.Event

    public let appID: String
    public let kind: TokenAPIKind
    public let api: WeChatAPIClient
    /// The shared cache underneath (its key is ``tokenKey``).
    public let credential: SharedCredential

    public init(
        redis: RedisClient, api: WeChatAPIClient, appID: String, secret: String, kind: TokenAPIKind = .stable,
        lockLease: Duration = .seconds(15), localCacheLifetime: Duration = .seconds(5), logger: Logger = Logger(label: "token"),
        observer: (@Sendable (TokenEvent) -> Void)? = nil
    ) {
        self.appID = appID
        self.kind = kind
        self.api = api
        credential = SharedCredential(
            redis: redis, key: "\(QueueKeys(appID: appID).prefix):token", name: "access_token (\(kind.rawValue) API)",
            lockLease: lockLease, localCacheLifetime: localCacheLifetime, logger: logger, observer: observer
        ) { () async throws(WeChatAPIError) -> AccessToken in
            try await api.fetchToken(kind: kind, appID: appID, secret: secret)
        }
    }

    public var redis: RedisClient { credential.redis }
    public var lockLease: Duration { credential.lockLease }
    public var localCacheLifetime: Duration { credential.localCacheLifetime }
    public var tokenKey: String { credential.key }
    public var fetchedAtKey: String { credential.fetchedAtKey }
    public var lockKey: String { credential.lockKey }

    /// A valid token: from memory, from Redis, or fetched under the lock. Never returns `excluding`
    /// (the token that just failed), so a caller that reports a failure gets a different one or an error.
    public func token(excluding failed: String? = nil) async throws(WeChatAPIError) -> String {
        try await credential.value(excluding: failed)
    }

    /// Runs `call` with a valid token; when WeChat says the token is stale (40001/40014/42001), expires it
    /// (compare-and-delete), gets a fresh one once and calls once more. A second token failure expires that
    /// token too and is thrown, never looped on (twice in a row: the AppSecret or the IP allowlist is wrong).
    public func withToken<T>(_ call: (String) async throws(WeChatAPIError) -> T) async throws(WeChatAPIError) -> T {
        let first = try await token()
        do {
            return try await call(first)
        } catch  where error.retryClass == .refreshToken {
            await invalidate(first)
            let second = try await token(excluding: first)
            do {
                return try await call(second)
            } catch  where error.retryClass == .refreshToken {
                await invalidate(second)
                throw error
            }
        }
    }

    /// Forgets `token` here and in Redis, if Redis still holds that very token.
    public func invalidate(_ token: String) async {
        await credential.invalidate(token)
    }
}
