import Shared

/// One message waiting in a user's queue, as the tests read it back.
public struct QueuedEntry: Sendable {
    /// The user whose queue holds it.
    public var user: String
    public var record: QueueRecord
    /// The envelope, when the record holds a readable one.
    public var envelope: MessageEnvelope?

    /// The envelope's dedup key, or "" when it cannot be read.
    public var dedupKey: String { envelope?.dedupKey ?? "" }
    /// The encoded envelope as queued.
    public var body: [UInt8] { record.envelope }
}

/// Reads what an appid's users' queues hold (``QueueKeys``): users in name order, each user's messages
/// in queue order. For tests and tools; `SCAN` walks the whole keyspace.
public enum QueueContents {
    public static func entries(redis: RedisClient, keys: QueueKeys) async throws -> [QueuedEntry] {
        var queues: [String] = []
        var cursor = "0"
        repeat {
            let reply = try await redis.send("SCAN", RedisArgument(cursor), "MATCH", RedisArgument(keys.userQueuePrefix + "*"), "COUNT", "1000")
            guard let parts = reply.array, parts.count == 2, let next = parts[0].string else { throw RedisError.unexpectedReply("SCAN reply") }
            cursor = next
            queues += (parts[1].array ?? []).compactMap(\.string)
        } while cursor != "0"
        var entries: [QueuedEntry] = []
        for queue in Set(queues).sorted() {
            let user = String(queue.dropFirst(keys.userQueuePrefix.count))
            for element in try await redis.send("LRANGE", RedisArgument(queue), "0", "-1").array ?? [] {
                let record = QueueRecord(bytes: element.bytes ?? [])
                entries.append(QueuedEntry(user: user, record: record, envelope: try? MessageEnvelope(decoding: record.envelope)))
            }
        }
        return entries
    }
}
