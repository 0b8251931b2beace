import Shared
import TestSupport
import Testing

/// Every stream command the ingress and worker use, as they will use it.
@Suite struct RedisStreamCommandTests {
    @Test func consumerGroupLifecycle() async throws {
        let redis = try TestRedis.client()
        defer { redis.close() }
        let stream = RedisArgument(TestRedis.uniqueKey("stream"))

        // Created at id 0 with MKSTREAM: the stream need not exist yet; a second create is BUSYGROUP.
        #expect(try await redis.send("XGROUP", "CREATE", stream, "workers", "0", "MKSTREAM") == .simpleString("OK"))
        do {
            try await redis.send("XGROUP", "CREATE", stream, "workers", "0", "MKSTREAM")
            Issue.record("a second XGROUP CREATE must fail")
        } catch {
            #expect(error.serverErrorCode == "BUSYGROUP")
        }

        // XADD with MAXLEN ~ returns ids; bodies keep every byte.
        let body = "<xml><Content><![CDATA[你好 👋]]></Content></xml>"
        var ids: [String] = []
        for index in 0..<3 {
            let id = try await redis.send("XADD", stream, "MAXLEN", "~", 1_000_000, "*", "body", RedisArgument(body), "n", RedisArgument(index))
            ids.append(try #require(id.string))
        }
        #expect(try await redis.send("XLEN", stream) == .integer(3))

        // XREADGROUP hands out new entries once.
        let first = try StreamEntry.fromRead(
            try await redis.send("XREADGROUP", "GROUP", "workers", "alice", "COUNT", 2, "STREAMS", stream, ">"))
        #expect(first.map(\.id) == Array(ids.prefix(2)))
        #expect(first.first?.text("body") == body)
        let second = try StreamEntry.fromRead(
            try await redis.send("XREADGROUP", "GROUP", "workers", "bob", "COUNT", 10, "STREAMS", stream, ">"))
        #expect(second.map(\.id) == [ids[2]])

        // XPENDING summary: 3 pending, over two consumers.
        let summary = try #require(try await redis.send("XPENDING", stream, "workers").array)
        #expect(summary.first == .integer(3))
        #expect(summary[1].string == ids[0])
        #expect(summary[2].string == ids[2])

        // XACK removes from the PEL.
        #expect(try await redis.send("XACK", stream, "workers", RedisArgument(ids[0])) == .integer(1))
        #expect(try await redis.send("XACK", stream, "workers", RedisArgument(ids[0])) == .integer(0))

        // XCLAIM ... JUSTID to oneself is a heartbeat: the delivery count stays 1.
        _ = try await redis.send("XCLAIM", stream, "workers", "alice", 0, RedisArgument(ids[1]), "JUSTID")
        let detail = try #require(try await redis.send("XPENDING", stream, "workers", "IDLE", 0, RedisArgument(ids[1]), RedisArgument(ids[1]), 1).array?.first?.array)
        #expect(detail[1].string == "alice")
        #expect(detail[3] == .integer(1))

        // XAUTOCLAIM hands bob's idle entry to carol and raises its delivery count.
        let claimed = try #require(try await redis.send("XAUTOCLAIM", stream, "workers", "carol", 0, "0-0", "COUNT", 1).array)
        #expect(claimed.count == 3)  // Redis 7: [next cursor, entries, deleted ids]
        let claimedEntries = try StreamEntry.list(claimed[1])
        #expect(claimedEntries.map(\.id) == [ids[1]])
        #expect(claimedEntries.first?.text("n") == "1")

        // XINFO GROUPS reports the group's pending count and lag.
        let groups = try #require(try await redis.send("XINFO", "GROUPS", stream).array)
        let fields = try #require(groups.first?.array)
        var info: [String: RESPValue] = [:]
        for index in stride(from: 0, to: fields.count - 1, by: 2) { info[fields[index].string ?? ""] = fields[index + 1] }
        #expect(info["name"]?.string == "workers")
        #expect(info["pending"] == .integer(2))
        #expect(info["lag"] == .integer(0))

        // XTRIM MINID drops entries below the oldest pending one.
        #expect(try await redis.send("XTRIM", stream, "MINID", RedisArgument(ids[1])) == .integer(1))
        try await redis.send("DEL", stream)
    }

    @Test func blockingReadWaitsOnItsOwnConnection() async throws {
        // One pooled connection only: if the blocked reads held it, the XADD below could not run, and
        // every reader would time out with no entry.
        let redis = try TestRedis.client { $0.poolSize = 1 }
        defer { redis.close() }
        let stream = RedisArgument(TestRedis.uniqueKey("block"))
        try await redis.send("XGROUP", "CREATE", stream, "workers", "0", "MKSTREAM")

        // More blocked readers than the machine has cooperative threads.
        let readers = 6
        try await withThrowingTaskGroup(of: [StreamEntry].self) { group in
            for reader in 0..<readers {
                group.addTask {
                    let reply = try await redis.send("XREADGROUP", "GROUP", "workers", RedisArgument("reader-\(reader)"), "COUNT", 1, "BLOCK", 20_000, "STREAMS", stream, ">")
                    return try StreamEntry.fromRead(reply)
                }
            }
            // Wait until every reader is blocked on the server (CLIENT LIST counts them), then feed them.
            var blocked = 0
            for _ in 0..<400 where blocked < readers {
                let clients = try await redis.send("CLIENT", "LIST").string ?? ""
                blocked = clients.split(separator: "\n").filter { $0.contains("cmd=xreadgroup") && $0.contains("flags=b") }.count
                if blocked < readers { try await Task.sleep(for: .milliseconds(25)) }
            }
            #expect(blocked >= readers)
            for index in 0..<readers { try await redis.send("XADD", stream, "*", "n", RedisArgument(index)) }
            var received: [String] = []
            for try await entries in group { received += entries.compactMap { $0.text("n") } }
            #expect(received.sorted() == (0..<readers).map(String.init))
        }
        try await redis.send("DEL", stream)
    }

    @Test func blockingReadReturnsNoEntriesWhenTheWindowEnds() async throws {
        let redis = try TestRedis.client()
        defer { redis.close() }
        let stream = RedisArgument(TestRedis.uniqueKey("empty"))
        try await redis.send("XGROUP", "CREATE", stream, "workers", "0", "MKSTREAM")
        let reply = try await redis.send("XREADGROUP", "GROUP", "workers", "w", "COUNT", 1, "BLOCK", 100, "STREAMS", stream, ">")
        #expect(reply == .null)
        #expect(try StreamEntry.fromRead(reply).isEmpty)
        try await redis.send("DEL", stream)
    }
}
