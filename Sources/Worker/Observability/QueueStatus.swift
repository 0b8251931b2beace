import Shared

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A snapshot of one AppID's queue, for `worker status` and the gauges.
struct QueueStatus: Sendable {
    /// Messages waiting in all users' queues (the heads in flight included).
    var backlog: Int
    /// Users with messages queued, held or not (the autoscaling signal: useful parallelism).
    var usersActive: Int
    /// Users with messages that a worker may take now.
    var usersReady: Int
    /// Users waiting for a retry that is not due yet.
    var usersRetrying: Int
    /// Users held by a worker right now.
    var usersLeased: Int
    /// Users held per consumer (from the lease tokens), busiest first.
    var leasesByConsumer: [(consumer: String, users: Int)]
    var deadLetters: Int
    /// Messages still in the stream of a release before per-user queues (moved by the first new worker).
    var legacyStreamLength: Int
    /// Seconds since the cached access_token was fetched, nil when there is none.
    var tokenAgeSeconds: Int?

    static func read(redis: RedisClient, keys: QueueKeys) async throws(RedisError) -> QueueStatus {
        let now = RedisArgument(WallClock.milliseconds())
        let replies = try await redis.pipeline([
            RedisCommand("GET", RedisArgument(keys.backlog)),
            RedisCommand("ZCOUNT", RedisArgument(keys.ready), "-inf", now),
            RedisCommand("ZCARD", RedisArgument(keys.ready)),
            RedisCommand("HVALS", RedisArgument(keys.owner)),
            RedisCommand("XLEN", RedisArgument(keys.deadLetters)),
            RedisCommand("GET", RedisArgument("\(keys.prefix):token:at")),
            RedisCommand("EXISTS", RedisArgument(keys.legacyStream)),
            RedisCommand("SCARD", RedisArgument(keys.activeUsers)),
        ])
        func value(_ index: Int) throws(RedisError) -> RESPValue { try replies[index].get() }
        let ready = Int(try value(1).integer ?? 0)
        let tokens = try value(3).array?.compactMap(\.string) ?? []
        var byConsumer: [String: Int] = [:]
        for token in tokens {
            let consumer = token.split(separator: ":", maxSplits: 1).dropFirst().first.map(String.init) ?? "?"
            byConsumer[consumer, default: 0] += 1
        }
        var status = QueueStatus(
            backlog: Int(try value(0).string.flatMap { Int($0) } ?? 0), usersActive: Int(try value(7).integer ?? 0), usersReady: ready,
            usersRetrying: max(0, Int(try value(2).integer ?? 0) - ready), usersLeased: tokens.count,
            leasesByConsumer: byConsumer.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map { (consumer: $0.key, users: $0.value) },
            deadLetters: Int(try value(4).integer ?? 0), legacyStreamLength: 0, tokenAgeSeconds: nil)
        if try value(6).integer == 1 {
            status.legacyStreamLength = Int((try? await redis.send("XLEN", RedisArgument(keys.legacyStream)).integer) ?? 0)
        }
        if let fetchedAt = try value(5).string.flatMap({ Int64($0) }) {
            status.tokenAgeSeconds = max(0, Int((WallClock.milliseconds() - fetchedAt) / 1000))
        }
        return status
    }

    /// The human-readable report `worker status` prints.
    var report: String {
        var lines = [
            "backlog:          \(backlog) messages",
            "users active:     \(usersActive) (with messages queued: the autoscaling signal)",
            "users ready:      \(usersReady) (waiting for a worker)",
            "users retrying:   \(usersRetrying) (a failed message waits for its next attempt)",
            "users in flight:  \(usersLeased)",
            "dead letters:     \(deadLetters)",
            "token age:        \(tokenAgeSeconds.map { "\($0) s" } ?? "no token cached")",
            "consumers:        \(leasesByConsumer.count) holding users",
        ]
        for entry in leasesByConsumer {
            lines.append("  \(entry.consumer): \(entry.users) users")
        }
        if legacyStreamLength > 0 {
            lines.append("legacy stream:    \(legacyStreamLength) entries in the old stream, moved by the next worker to start")
        }
        return lines.joined(separator: "\n")
    }
}
