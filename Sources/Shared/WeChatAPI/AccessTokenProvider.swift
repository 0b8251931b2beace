import Logging
import Synchronization

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One access_token for every process of one AppID, kept in Redis.
///
/// - The token lives at `wx:{appid}:token` with a TTL of 90% of `expires_in`, so it is refreshed ahead
///   of WeChat's expiry; `wx:{appid}:token:at` records when it was fetched (for `worker status`).
/// - A refresh is single-flight across processes: only the holder of `wx:{appid}:token:lock`
///   (`SET lock uuid NX PX lease`) calls the token API; the others poll the cache with backoff, bounded
///   by the lease, and never call the API themselves. The lock is released by compare-and-delete.
/// - ``invalidate(_:)`` (after 40001/40014/42001) deletes the cached token only if it is still the one
///   that failed, so a late report never throws away a fresh token.
/// - Each process keeps the token in memory for at most ``localCacheLifetime`` to save a round trip
///   per send; a stale in-memory token is caught by the errcode path above.
public final class AccessTokenProvider: Sendable {
    /// Compare-and-delete: release a lock, or expire a token, only when it still holds our value.
    public static let compareAndDelete = RedisScript(
        """
        if redis.call('GET', KEYS[1]) == ARGV[1] then
          return redis.call('DEL', KEYS[1])
        end
        return 0
        """
    )

    public let redis: RedisClient
    public let api: WeChatAPIClient
    public let appID: String
    private let secret: String
    public let kind: TokenAPIKind
    /// How long the refresh lock is held at most (well above one token fetch).
    public let lockLease: Duration
    public let localCacheLifetime: Duration
    private let logger: Logger
    private let local = Mutex<(token: String, until: ContinuousClock.Instant)?>(nil)
    private let observer: (@Sendable (TokenEvent) -> Void)?

    /// What the provider did, for metrics.
    public enum TokenEvent: Sendable {
        case fetched
        case waitedForLock
        case invalidated
    }

    public init(
        redis: RedisClient, api: WeChatAPIClient, appID: String, secret: String, kind: TokenAPIKind = .stable,
        lockLease: Duration = .seconds(15), localCacheLifetime: Duration = .seconds(5), logger: Logger = Logger(label: "token"),
        observer: (@Sendable (TokenEvent) -> Void)? = nil
    ) {
        self.redis = redis
        self.api = api
        self.appID = appID
        self.secret = secret
        self.kind = kind
        self.lockLease = lockLease
        self.localCacheLifetime = localCacheLifetime
        self.logger = logger
        self.observer = observer
    }

    public var tokenKey: String { "\(QueueKeys(appID: appID).prefix):token" }
    public var fetchedAtKey: String { "\(tokenKey):at" }
    public var lockKey: String { "\(tokenKey):lock" }

    /// A valid token: from memory, from Redis, or fetched under the lock. Never returns `excluding`
    /// (the token that just failed), so a caller that reports a failure gets a different one or an error.
    public func token(excluding failed: String? = nil) async throws(WeChatAPIError) -> String {
        if failed == nil, let cached = local.withLock({ entry -> String? in
            guard let entry, entry.until > .now else { return nil }
            return entry.token
        }) {
            return cached
        }
        let deadline = ContinuousClock.now + lockLease + .seconds(2)
        var backoff = Duration.milliseconds(10)
        var waited = false
        while true {
            if let token = try await cachedInRedis(), token != failed {
                remember(token)
                return token
            }
            let owner = UUID().uuidString
            let acquired: Bool
            do {
                acquired = try await !redis.send("SET", RedisArgument(lockKey), RedisArgument(owner), "NX", "PX", RedisArgument(lockLease.milliseconds)).isNull
            } catch {
                throw .tokenUnavailable("redis: \(error)")
            }
            if acquired {
                return try await refreshHoldingLock(owner: owner, failed: failed)
            }
            if !waited {
                waited = true
                observer?(.waitedForLock)
            }
            guard ContinuousClock.now < deadline else { throw .tokenUnavailable("the refresh lock was held for longer than \(lockLease)") }
            do {
                try await Task.sleep(for: backoff)
            } catch {
                throw .tokenUnavailable("cancelled")
            }
            backoff = min(backoff * 2, .milliseconds(250))
        }
    }

    /// Forgets `token` here and in Redis, if Redis still holds that very token.
    public func invalidate(_ token: String) async {
        local.withLock { entry in
            if entry?.token == token { entry = nil }
        }
        do {
            let deleted = try await redis.run(Self.compareAndDelete, keys: [RedisArgument(tokenKey)], arguments: [RedisArgument(token)])
            if deleted.integer == 1 {
                observer?(.invalidated)
                logger.info("access_token rejected by WeChat; expired it in redis")
            }
        } catch {
            logger.warning("could not expire the rejected access_token: \(error)")
        }
    }

    private func cachedInRedis() async throws(WeChatAPIError) -> String? {
        do {
            return try await redis.send("GET", RedisArgument(tokenKey)).string
        } catch {
            throw .tokenUnavailable("redis: \(error)")
        }
    }

    private func refreshHoldingLock(owner: String, failed: String?) async throws(WeChatAPIError) -> String {
        defer {
            let redis = self.redis
            let lockKey = self.lockKey
            // Released even when this task is cancelled; an unreleased lock would still expire after the lease.
            Task { _ = try? await redis.run(Self.compareAndDelete, keys: [RedisArgument(lockKey)], arguments: [RedisArgument(owner)]) }
        }
        // Someone may have refreshed between our cache miss and taking the lock.
        if let token = try await cachedInRedis(), token != failed {
            remember(token)
            return token
        }
        let fetched = try await api.fetchToken(kind: kind, appID: appID, secret: secret)
        observer?(.fetched)
        let ttl = max(1_000, fetched.expiresIn * 900)  // 90% of expires_in, in milliseconds
        do {
            _ = try await redis.pipeline([
                RedisCommand("SET", RedisArgument(tokenKey), RedisArgument(fetched.value), "PX", RedisArgument(ttl)),
                RedisCommand("SET", RedisArgument(fetchedAtKey), RedisArgument(WallClock.milliseconds()), "PX", RedisArgument(fetched.expiresIn * 1000)),
            ])
        } catch {
            logger.warning("fetched an access_token but could not cache it: \(error)")
        }
        logger.info("fetched a new access_token (\(kind.rawValue) API, expires_in \(fetched.expiresIn) s)")
        remember(fetched.value)
        return fetched.value
    }

    private func remember(_ token: String) {
        local.withLock { $0 = (token, .now + localCacheLifetime) }
    }
}

extension Duration {
    /// Whole milliseconds.
    public var milliseconds: Int64 {
        components.seconds * 1_000 + components.attoseconds / 1_000_000_000_000_000
    }
}
