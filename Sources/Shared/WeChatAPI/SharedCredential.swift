import Logging
import Synchronization
import Tracing

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One rate-limited WeChat credential (the access_token, a jsapi_ticket) shared by every process of one
/// AppID through Redis: cached with an early refresh, fetched single-flight under a Redis lock, and
/// expired only by compare-and-delete.
///
/// - The value lives at ``key`` with a TTL of 90% of `expires_in`, so it is refreshed ahead of WeChat's
///   expiry; `KEY:at` records when it was fetched (for `worker status`).
/// - Only the holder of `KEY:lock` (`SET lock uuid NX PX lease`) calls WeChat; the others poll the cache
///   with backoff, bounded by the lease, and never call WeChat themselves. The lock is released by
///   compare-and-delete.
/// - ``invalidate(_:)`` (after WeChat rejected the value) deletes the cached value only if it is still
///   the one that failed, so a late report never throws away a fresh one.
/// - Each process keeps the value in memory for at most ``localCacheLifetime`` to save a round trip.
///
/// ``AccessTokenProvider`` and the web service's jsapi_ticket are two instances with different fetches.
public final class SharedCredential: Sendable {
    /// Compare-and-delete: release a lock, or expire a value, only when it still holds ours.
    public static let compareAndDelete = RedisScript(
        """
        if redis.call('GET', KEYS[1]) == ARGV[1] then
          return redis.call('DEL', KEYS[1])
        end
        return 0
        """
    )

    /// What happened, for metrics.
    public enum Event: Sendable {
        case fetched
        case waitedForLock
        case invalidated
    }

    /// Asks WeChat for a new value (called only by the lock holder).
    public typealias Fetch = @Sendable () async throws(WeChatAPIError) -> AccessToken

    public let redis: RedisClient
    /// The Redis key holding the value, e.g. `wx:{appid}:token`.
    public let key: String
    /// What it is, for logs and errors: `access_token`, `jsapi_ticket`.
    public let name: String
    /// How long the refresh lock is held at most (well above one fetch).
    public let lockLease: Duration
    public let localCacheLifetime: Duration
    private let fetch: Fetch
    private let logger: Logger
    private let observer: (@Sendable (Event) -> Void)?
    private let local = Mutex<(value: String, until: ContinuousClock.Instant)?>(nil)

    public init(
        redis: RedisClient, key: String, name: String, lockLease: Duration = .seconds(15), localCacheLifetime: Duration = .seconds(5),
        logger: Logger, observer: (@Sendable (Event) -> Void)? = nil, fetch: @escaping Fetch
    ) {
        self.redis = redis
        self.key = key
        self.name = name
        self.lockLease = lockLease
        self.localCacheLifetime = localCacheLifetime
        self.fetch = fetch
        self.logger = logger
        self.observer = observer
    }

    public var fetchedAtKey: String { "\(key):at" }
    public var lockKey: String { "\(key):lock" }

    /// A valid value: from memory, from Redis, or fetched under the lock. Never returns `excluding` (the
    /// value that just failed), so a caller that reports a failure gets a different one or an error.
    public func value(excluding failed: String? = nil) async throws(WeChatAPIError) -> String {
        if failed == nil,
            let cached = local.withLock({ entry -> String? in
                guard let entry, entry.until > .now else { return nil }
                return entry.value
            })
        {
            return cached
        }
        return try await RelayTracing.withSpan(TraceNames.token) { span throws(WeChatAPIError) in
            span?.attributes[TraceNames.credential] = name
            return try await shared(excluding: failed, span: span)
        }
    }

    /// The value from Redis, or fetched under the lock (the process's cache missed); `span` is told which.
    private func shared(excluding failed: String?, span: (any Span)?) async throws(WeChatAPIError) -> String {
        let deadline = ContinuousClock.now + lockLease + .seconds(2)
        var backoff = Duration.milliseconds(10)
        var waited = false
        while true {
            if let value = try await cachedInRedis(), value != failed {
                remember(value)
                span?.attributes[TraceNames.tokenSource] = "redis"
                return value
            }
            let owner = UUID().uuidString
            let acquired: Bool
            do {
                acquired = try await !redis.send("SET", RedisArgument(lockKey), RedisArgument(owner), "NX", "PX", RedisArgument(lockLease.milliseconds)).isNull
            } catch {
                throw .tokenUnavailable("redis: \(error)")
            }
            if acquired {
                return try await refreshHoldingLock(owner: owner, failed: failed, span: span)
            }
            if !waited {
                waited = true
                observer?(.waitedForLock)
                span?.attributes[TraceNames.tokenWaitedForLock] = true
            }
            guard ContinuousClock.now < deadline else { throw .tokenUnavailable("the \(name) refresh lock was held for longer than \(lockLease)") }
            do {
                try await Task.sleep(for: backoff)
            } catch {
                throw .tokenUnavailable("cancelled")
            }
            backoff = min(backoff * 2, .milliseconds(250))
        }
    }

    /// Forgets `value` here and in Redis, if Redis still holds that very value.
    public func invalidate(_ value: String) async {
        local.withLock { entry in
            if entry?.value == value { entry = nil }
        }
        do {
            let deleted = try await redis.run(Self.compareAndDelete, keys: [RedisArgument(key)], arguments: [RedisArgument(value)])
            if deleted.integer == 1 {
                observer?(.invalidated)
                logger.info("\(name) rejected by WeChat; expired it in redis")
            }
        } catch {
            logger.warning("could not expire the rejected \(name): \(error)")
        }
    }

    private func cachedInRedis() async throws(WeChatAPIError) -> String? {
        do {
            return try await redis.send("GET", RedisArgument(key)).string
        } catch {
            throw .tokenUnavailable("redis: \(error)")
        }
    }

    private func refreshHoldingLock(owner: String, failed: String?, span: (any Span)?) async throws(WeChatAPIError) -> String {
        defer {
            let redis = self.redis
            let lockKey = self.lockKey
            // Released even when this task is cancelled; an unreleased lock would still expire after the lease.
            Task { _ = try? await redis.run(Self.compareAndDelete, keys: [RedisArgument(lockKey)], arguments: [RedisArgument(owner)]) }
        }
        // Someone may have refreshed between our cache miss and taking the lock.
        if let value = try await cachedInRedis(), value != failed {
            remember(value)
            span?.attributes[TraceNames.tokenSource] = "redis"
            return value
        }
        span?.attributes[TraceNames.tokenSource] = "wechat"
        let fetched = try await fetch()
        observer?(.fetched)
        let ttl = max(1_000, fetched.expiresIn * 900)  // 90% of expires_in, in milliseconds
        do {
            _ = try await redis.pipeline([
                RedisCommand("SET", RedisArgument(key), RedisArgument(fetched.value), "PX", RedisArgument(ttl)),
                RedisCommand("SET", RedisArgument(fetchedAtKey), RedisArgument(WallClock.milliseconds()), "PX", RedisArgument(fetched.expiresIn * 1000)),
            ])
        } catch {
            logger.warning("fetched a new \(name) but could not cache it: \(error)")
        }
        logger.info("fetched a new \(name) (expires_in \(fetched.expiresIn) s)")
        remember(fetched.value)
        return fetched.value
    }

    private func remember(_ value: String) {
        local.withLock { $0 = (value, .now + localCacheLifetime) }
    }
}
