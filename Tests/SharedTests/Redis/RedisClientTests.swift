import Shared
import TestSupport
import Testing

/// The client against the shared redis-server that `make test` starts, in both I/O designs (``RedisIO``).
@Suite struct RedisClientTests {
    @Test(arguments: RedisIO.allCases)
    func setAndGetRoundTripsBinaryAndEmoji(io: RedisIO) async throws {
        let redis = try TestRedis.client { $0.io = io }
        defer { redis.close() }
        let key = TestRedis.uniqueKey("binary")
        let payloads: [[UInt8]] = [
            [0, 1, 2, 0xff, 0, 13, 10],  // NUL, CR LF and a byte that is not UTF-8
            Array("你好，世界 👋🏽 — \"quoted\"\r\n<xml>]]></xml>".utf8),
            [],
            Array(repeating: 0x41, count: 1 << 20),  // 1 MiB
        ]
        for payload in payloads {
            try await redis.send("SET", RedisArgument(key), RedisArgument(bytes: payload))
            let reply = try await redis.send("GET", RedisArgument(key))
            #expect(reply == .bulkString(payload))
        }
        // A key name may be any bytes too.
        let emojiKey = RedisArgument(key + ":🔑")
        try await redis.send("SET", emojiKey, "v")
        #expect(try await redis.send("GET", emojiKey).string == "v")
        try await redis.send("DEL", RedisArgument(key), emojiKey)
    }

    @Test(arguments: RedisIO.allCases)
    func replyTypesAreCopiedOut(io: RedisIO) async throws {
        let redis = try TestRedis.client { $0.io = io }
        defer { redis.close() }
        let key = TestRedis.uniqueKey("types")
        #expect(try await redis.send("PING") == .simpleString("PONG"))
        #expect(try await redis.send("INCRBY", RedisArgument(key), 41) == .integer(41))
        #expect(try await redis.send("GET", RedisArgument(key + ":missing")) == .null)
        try await redis.send("RPUSH", RedisArgument(key + ":list"), "a", "", "c")
        #expect(try await redis.send("LRANGE", RedisArgument(key + ":list"), 0, -1) == .array([.bulkString(Array("a".utf8)), .bulkString([]), .bulkString(Array("c".utf8))]))
        try await redis.send("DEL", RedisArgument(key), RedisArgument(key + ":list"))
    }

    @Test(arguments: RedisIO.allCases)
    func errorRepliesThrowTheServersMessage(io: RedisIO) async throws {
        let redis = try TestRedis.client { $0.io = io }
        defer { redis.close() }
        let key = TestRedis.uniqueKey("wrongtype")
        try await redis.send("RPUSH", RedisArgument(key), "x")
        await #expect(throws: RedisError.self) { try await redis.send("GET", RedisArgument(key)) }
        do {
            try await redis.send("GET", RedisArgument(key))
            Issue.record("GET on a list must fail")
        } catch {
            #expect(error.serverErrorCode == "WRONGTYPE")
            #expect(!error.isConnectivity)
        }
        do {
            try await redis.send("NOSUCHCOMMAND", "x")
            Issue.record("an unknown command must fail")
        } catch {
            guard case .server(let message) = error else { throw error }
            #expect(message.contains("unknown command"))
        }
        // The connection is still fine after error replies.
        #expect(try await redis.send("PING") == .simpleString("PONG"))
        try await redis.send("DEL", RedisArgument(key))
    }

    @Test(arguments: RedisIO.allCases)
    func pipelineAnswersInOrderWithPerCommandErrors(io: RedisIO) async throws {
        let redis = try TestRedis.client { $0.io = io }
        defer { redis.close() }
        let key = TestRedis.uniqueKey("pipeline")
        var commands = [RedisCommand("SET", RedisArgument(key), "0"), RedisCommand("HGET", RedisArgument(key), "f")]
        for _ in 0..<100 { commands.append(RedisCommand("INCR", RedisArgument(key))) }
        commands.append(RedisCommand("GET", RedisArgument(key)))
        let results = try await redis.pipeline(commands)
        #expect(results.count == commands.count)
        #expect(try results[0].get() == .simpleString("OK"))
        #expect(throws: RedisError.self) { try results[1].get() }
        for index in 0..<100 { #expect(try results[index + 2].get() == .integer(Int64(index + 1))) }
        #expect(try results.last?.get().string == "100")
        #expect(try await redis.pipeline([]).isEmpty)
        try await redis.send("DEL", RedisArgument(key))
    }

    @Test(arguments: RedisIO.allCases, [true, false])
    func concurrentCallersEachGetTheirOwnReply(io: RedisIO, autoPipelining: Bool) async throws {
        let redis = try TestRedis.client {
            $0.io = io
            $0.poolSize = 2
            $0.autoPipelining = autoPipelining
        }
        defer { redis.close() }
        let prefix = TestRedis.uniqueKey("concurrent")
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<500 {
                group.addTask {
                    let key = RedisArgument("\(prefix):\(index)")
                    try await redis.send("SET", key, RedisArgument("value-\(index)-✓"))
                    let value = try await redis.send("GET", key)
                    #expect(value.string == "value-\(index)-✓")
                    try await redis.send("DEL", key)
                }
            }
            try await group.waitForAll()
        }
    }

    // Serialized: SCRIPT FLUSH empties the shared server's script cache under the other case's feet.
    @Test(.serialized, arguments: RedisIO.allCases)
    func scriptsFallBackToEvalAfterScriptFlush(io: RedisIO) async throws {
        let redis = try TestRedis.client { $0.io = io }
        defer { redis.close() }
        let script = RedisScript("return {KEYS[1], ARGV[1], tonumber(ARGV[2]) + 1}")
        let key = TestRedis.uniqueKey("script")
        try await redis.send("SCRIPT", "FLUSH")
        // Not cached: EVALSHA alone would fail with NOSCRIPT.
        await #expect { try await redis.send(script.evalSHA(keys: [RedisArgument(key)], arguments: ["a", "1"])) } throws: { error in
            (error as? RedisError)?.serverErrorCode == "NOSCRIPT"
        }
        let reply = try await redis.run(script, keys: [RedisArgument(key)], arguments: ["a", "1"])
        #expect(reply == .array([.bulkString(Array(key.utf8)), .bulkString(Array("a".utf8)), .integer(2)]))
        // Now cached: EVALSHA works on its own.
        #expect(try await redis.send(script.evalSHA(keys: [RedisArgument(key)], arguments: ["b", "2"])).array?.last == .integer(3))

        try await redis.send("SCRIPT", "FLUSH")
        let batch = try await redis.runPipelined(script, calls: (0..<5).map { (keys: [RedisArgument(key)], arguments: [RedisArgument("x"), RedisArgument($0)]) })
        #expect(try batch.map { try $0.get().array?.last } == (0..<5).map { .integer(Int64($0 + 1)) })
    }

    @Test(arguments: RedisIO.allCases)
    func setNXPXIsALock(io: RedisIO) async throws {
        let redis = try TestRedis.client { $0.io = io }
        defer { redis.close() }
        let lock = RedisArgument(TestRedis.uniqueKey("lock"))
        // 10 minutes: the lock must outlive this test even on a machine loaded enough to take seconds per step.
        #expect(try await redis.send("SET", lock, "owner-a", "NX", "PX", 600_000) == .simpleString("OK"))
        #expect(try await redis.send("SET", lock, "owner-b", "NX", "PX", 600_000) == .null)
        let ttl = try await redis.send("PTTL", lock).integer ?? -1
        #expect(ttl > 0 && ttl <= 600_000)
        let release = RedisScript("if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end")
        #expect(try await redis.run(release, keys: [lock], arguments: ["owner-b"]) == .integer(0))
        #expect(try await redis.run(release, keys: [lock], arguments: ["owner-a"]) == .integer(1))
        #expect(try await redis.send("GET", lock) == .null)
    }

    @Test(arguments: RedisIO.allCases)
    func closedClientFailsFast(io: RedisIO) async throws {
        let redis = try TestRedis.client { $0.io = io }
        #expect(try await redis.send("PING") == .simpleString("PONG"))
        redis.close()
        await #expect(throws: RedisError.closed) { try await redis.send("PING") }
        await #expect(throws: RedisError.closed) { try await redis.send("BLPOP", RedisArgument(TestRedis.uniqueKey("closed")), 1) }
    }
}
