import Shared

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Sign-ins in progress, in Redis: ``create(_:)`` stores an ``OAuthState`` under a new random `state`
/// for ten minutes; ``consume(_:)`` takes it with `GETDEL`, so a `state` works once, on any `web`
/// process, and a forged or replayed one finds nothing (the CSRF check).
struct OAuthStateStore: Sendable {
    let redis: RedisClient
    let keys: WebKeys
    var lifetimeSeconds = 600

    func create(_ state: OAuthState) async throws(RedisError) -> String {
        let id = RandomToken.make()
        let json = (try? JSONEncoder().encode(state)).map { Array($0) } ?? []
        _ = try await redis.send("SET", RedisArgument(keys.state(id)), RedisArgument(bytes: json), "EX", RedisArgument(lifetimeSeconds))
        return id
    }

    /// The state's record, removed in the same step; nil when unknown, expired or already used.
    func consume(_ id: String) async throws(RedisError) -> OAuthState? {
        guard RandomToken.isWellFormed(id) else { return nil }
        guard let bytes = try await redis.send("GETDEL", RedisArgument(keys.state(id))).bytes else { return nil }
        return try? JSONDecoder().decode(OAuthState.self, from: Data(bytes))
    }
}
