import Shared

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A snapshot of one AppID's queue, for `worker status` and the gauges.
struct QueueStatus: Sendable {
    /// One consumer of the group, as `XINFO CONSUMERS` reports it.
    struct Consumer: Sendable {
        var name: String
        var pending: Int
        var idleMilliseconds: Int
    }

    var streamLength: Int
    var groupExists: Bool
    /// Entries not yet delivered to the group (nil when Redis cannot tell).
    var lag: Int?
    var pending: Int
    var consumers: [Consumer]
    var deadLetters: Int
    var retryScheduled: Int
    /// Seconds since the cached access_token was fetched, nil when there is none.
    var tokenAgeSeconds: Int?

    static func read(redis: RedisClient, keys: QueueKeys) async throws(RedisError) -> QueueStatus {
        let stream = RedisArgument(keys.inbound)
        let replies = try await redis.pipeline([
            RedisCommand("XLEN", stream),
            RedisCommand("XINFO", "GROUPS", stream),
            RedisCommand("XINFO", "CONSUMERS", stream, RedisArgument(keys.consumerGroup)),
            RedisCommand("XLEN", RedisArgument(keys.deadLetters)),
            RedisCommand("ZCARD", RedisArgument(keys.retries)),
            RedisCommand("GET", RedisArgument("\(keys.prefix):token:at")),
        ])
        func value(_ index: Int) -> RESPValue? { try? replies[index].get() }
        var status = QueueStatus(
            streamLength: Int(value(0)?.integer ?? 0), groupExists: false, lag: nil, pending: 0, consumers: [],
            deadLetters: Int(value(3)?.integer ?? 0), retryScheduled: Int(value(4)?.integer ?? 0), tokenAgeSeconds: nil)
        for group in value(1)?.array ?? [] {
            let fields = group.fields
            guard fields["name"]?.string == keys.consumerGroup else { continue }
            status.groupExists = true
            status.pending = Int(fields["pending"]?.integer ?? 0)
            status.lag = fields["lag"]?.integer.map { Int($0) }
        }
        for consumer in value(2)?.array ?? [] {
            let fields = consumer.fields
            status.consumers.append(
                Consumer(name: fields["name"]?.string ?? "?", pending: Int(fields["pending"]?.integer ?? 0), idleMilliseconds: Int(fields["idle"]?.integer ?? 0)))
        }
        if let fetchedAt = value(5)?.integer {
            status.tokenAgeSeconds = max(0, Int((WallClock.milliseconds() - fetchedAt) / 1000))
        }
        return status
    }

    /// The human-readable report `worker status` prints.
    var report: String {
        var lines = [
            "stream length:    \(streamLength)",
            "group:            \(groupExists ? "workers" : "missing (no worker has started yet)")",
            "lag (undelivered): \(lag.map(String.init) ?? "unknown")",
            "pending:          \(pending)",
            "retry scheduled:  \(retryScheduled)",
            "dead letters:     \(deadLetters)",
            "token age:        \(tokenAgeSeconds.map { "\($0) s" } ?? "no token cached")",
            "consumers:        \(consumers.count)",
        ]
        for consumer in consumers {
            lines.append("  \(consumer.name): pending \(consumer.pending), idle \(consumer.idleMilliseconds) ms")
        }
        return lines.joined(separator: "\n")
    }
}

extension QueueStatus {
    /// Entries of the group delivered and not yet acked.
    static func pending(redis: RedisClient, keys: QueueKeys) async throws(RedisError) -> Int {
        let reply = try await redis.send("XPENDING", RedisArgument(keys.inbound), RedisArgument(keys.consumerGroup))
        return Int(reply.array?.first?.integer ?? 0)
    }
}
