import Logging
import ServiceLifecycle
import Shared

/// Moves what a release before per-user queues left in Redis — the stream `wx:{appid}:in` (entries
/// unread, or read and never acked) and the retry zset `wx:{appid}:retry` — into the users' queues, once,
/// when the first new worker starts. Without it an upgrade would strand every queued message.
///
/// One worker at a time moves (a lock key); each batch is queued before it is deleted from the old keys,
/// so a crash in between queues a batch twice, and the sent-reply markers (the same keys in both layouts)
/// keep its replies from going out twice. Then it idles until shutdown (a service that returns would
/// stop the whole group).
struct LegacyStreamMigration: Service {
    let redis: RedisClient
    let keys: QueueKeys
    let logger: Logger

    func run() async throws {
        var failures = 0
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                let moved = try await migrate()
                if moved > 0 { logger.info("moved \(moved) messages from the old stream \(keys.legacyStream) into the users' queues") }
                break
            } catch {
                failures += 1
                if failures == 1 { logger.warning("could not look for an old stream to move yet (\(error)); retrying") }
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(1)) }
            }
        }
        try? await gracefulShutdown()
    }

    /// Moves everything; returns how many messages.
    func migrate() async throws(RedisError) -> Int {
        let exists = try await redis.pipeline([
            RedisCommand("EXISTS", RedisArgument(keys.legacyStream)), RedisCommand("EXISTS", RedisArgument(keys.legacyRetries)),
        ])
        let streamExists = try exists[0].get().integer == 1
        let retriesExist = try exists[1].get().integer == 1
        guard streamExists || retriesExist else { return 0 }
        let lock = RedisArgument("\(keys.prefix):migrating")
        let locked = try await redis.send("SET", lock, "1", "NX", "EX", "600")
        guard !locked.isNull else { return 0 }
        let queue = InboundQueue(redis: redis, keys: keys, maximumLength: 0)
        var moved = 0
        while true {
            let entries = try StreamEntry.list(try await redis.send("XRANGE", RedisArgument(keys.legacyStream), "-", "+", "COUNT", "256"))
            if entries.isEmpty { break }
            let messages = entries.map { entry in
                QueuedMessage(
                    dedupKey: entry.text("key") ?? "", receivedAtMillis: Int64(entry.text("at") ?? "") ?? 0,
                    envelopeVersion: Int(entry.text("v") ?? "") ?? MessageEnvelope.currentVersion, body: entry.fields["body"] ?? [])
            }
            _ = try await queue.enqueue(messages, checkingDuplicates: false)
            try await redis.send(RedisCommand([RedisArgument("XDEL"), RedisArgument(keys.legacyStream)] + entries.map { RedisArgument($0.id) }))
            moved += entries.count
        }
        while true {
            let members = try await redis.send("ZRANGE", RedisArgument(keys.legacyRetries), "0", "255").array?.compactMap(\.bytes) ?? []
            if members.isEmpty { break }
            // Each member is `v\nkey\nat\nbody`.
            let messages = members.map { member -> QueuedMessage in
                let parts = member.split(separator: UInt8(ascii: "\n"), maxSplits: 3, omittingEmptySubsequences: false)
                let text = { (index: Int) in parts.count > index ? String(decoding: parts[index], as: UTF8.self) : "" }
                return QueuedMessage(
                    dedupKey: text(1), receivedAtMillis: Int64(text(2)) ?? 0, envelopeVersion: Int(text(0)) ?? MessageEnvelope.currentVersion,
                    body: parts.count > 3 ? Array(parts[3]) : member)
            }
            _ = try await queue.enqueue(messages, checkingDuplicates: false)
            try await redis.send(RedisCommand([RedisArgument("ZREM"), RedisArgument(keys.legacyRetries)] + members.map { RedisArgument(bytes: $0) }))
            moved += members.count
        }
        try await redis.send("DEL", RedisArgument(keys.legacyStream), lock)
        return moved
    }
}
