import Shared
import TestSupport
import Testing

/// The ingress's enqueue script against a real Redis: dedup, per-user order by `CreateTime`, the cap.
@Suite struct InboundQueueTests {
    static func message(_ user: String, _ text: String, createTime: Int64, msgID: Int) throws -> QueuedMessage {
        let fields = [
            XMLField("ToUserName", "gh_q"), XMLField("FromUserName", user), XMLField("CreateTime", String(createTime)),
            XMLField("MsgType", "text"), XMLField("Content", text), XMLField("MsgId", String(msgID)),
        ]
        return QueuedMessage(envelope: MessageEnvelope(appID: "wxq", receivedAtMilliseconds: 1, message: try InboundMessage(fields: fields)))
    }

    static func contents(_ redis: RedisClient, _ keys: QueueKeys) async throws -> [String: [String]] {
        var result: [String: [String]] = [:]
        for entry in try await QueueContents.entries(redis: redis, keys: keys) {
            result[entry.user, default: []].append(entry.envelope?.message["Content"] ?? "?")
        }
        return result
    }

    @Test func eachUserGetsAQueueAndRetriesAreDuplicates() async throws {
        let redis = try TestRedis.client()
        defer { redis.close() }
        let keys = QueueKeys(appID: "wxq\(UInt32.random(in: 0...UInt32.max))")
        let queue = InboundQueue(redis: redis, keys: keys)
        let a1 = try Self.message("a", "a1", createTime: 100, msgID: 1)
        let outcomes = try await queue.enqueue([a1, try Self.message("b", "b1", createTime: 100, msgID: 2), a1, try Self.message("a", "a2", createTime: 101, msgID: 3)])
        #expect(outcomes == [.queued, .queued, .duplicate, .queued])
        #expect(try await Self.contents(redis, keys) == ["a": ["a1", "a2"], "b": ["b1"]])
        #expect(try await queue.backlog() == 3)
        // Both users are ready for a worker and counted as active, each once.
        #expect(try await redis.send("ZCARD", RedisArgument(keys.ready)).integer == 2)
        #expect(try await redis.send("SCARD", RedisArgument(keys.activeUsers)).integer == 2)
        #expect(try await redis.send("LLEN", RedisArgument(keys.wake)).integer == 2)
    }

    @Test func aLateMessageTakesItsPlaceByCreateTimeButNeverBeforeTheHead() async throws {
        let redis = try TestRedis.client()
        defer { redis.close() }
        let keys = QueueKeys(appID: "wxq\(UInt32.random(in: 0...UInt32.max))")
        let queue = InboundQueue(redis: redis, keys: keys)
        _ = try await queue.enqueue([
            try Self.message("u", "t10", createTime: 10, msgID: 10), try Self.message("u", "t20", createTime: 20, msgID: 20),
            try Self.message("u", "t30", createTime: 30, msgID: 30),
        ])
        // A spool replay of t15 arrives after t20 and t30 were queued: it goes between t10 and t20.
        #expect(try await queue.enqueue(try Self.message("u", "t15", createTime: 15, msgID: 15)) == .queuedInOrder)
        // t5 is older than the head, which may already be in flight: it goes right after the head.
        #expect(try await queue.enqueue(try Self.message("u", "t5", createTime: 5, msgID: 5)) == .queuedInOrder)
        // Same second as the tail: arrival order.
        #expect(try await queue.enqueue(try Self.message("u", "t30b", createTime: 30, msgID: 31)) == .queued)
        #expect(try await Self.contents(redis, keys)["u"] == ["t10", "t5", "t15", "t20", "t30", "t30b"])
    }

    @Test func pastTheCapNothingIsQueuedOrMarked() async throws {
        let redis = try TestRedis.client()
        defer { redis.close() }
        let keys = QueueKeys(appID: "wxq\(UInt32.random(in: 0...UInt32.max))")
        let queue = InboundQueue(redis: redis, keys: keys, maximumLength: 2)
        let third = try Self.message("c", "3", createTime: 3, msgID: 3)
        let outcomes = try await queue.enqueue([
            try Self.message("c", "1", createTime: 1, msgID: 1), try Self.message("c", "2", createTime: 2, msgID: 2), third,
        ])
        #expect(outcomes == [.queued, .queued, .full])
        // Refused, not marked: once there is room, WeChat's retry of it is queued.
        #expect(try await redis.send("EXISTS", RedisArgument(keys.dedup(third.dedupKey))).integer == 0)
        try await redis.send("DECR", RedisArgument(keys.backlog))
        #expect(try await queue.enqueue(third) == .queued)
    }

    @Test func aRecordKeepsItsOrderKeyAndItsBytes() {
        let record = QueueRecord(createTime: 1_714_036_504, envelope: Array("{\"v\":1,\"text\":\"a\\nb 你好\"}".utf8))
        #expect(QueueRecord(bytes: record.bytes) == record)
        // Bytes that are not a record stay whole, so the worker dead-letters them as they are.
        let foreign = Array("not a record".utf8)
        #expect(QueueRecord(bytes: foreign) == QueueRecord(createTime: 0, envelope: foreign))
    }
}
