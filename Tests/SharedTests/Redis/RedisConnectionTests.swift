import Shared
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// What a connection promises beyond one command at a time, in both I/O designs (``RedisIO``): replies
/// matched to their callers under load, error replies confined to their slot, timeouts on a stalled
/// server, a replaced connection after the server closes it, and block windows on top of the timeout.
@Suite struct RedisConnectionTests {
    /// A client of the shared server whose ordinary commands all share one connection.
    static func oneConnection(_ io: RedisIO) throws -> RedisClient {
        try TestRedis.client {
            $0.io = io
            $0.poolSize = 1
        }
    }

    @Test(arguments: RedisIO.allCases)
    func repliesReachTheirCallersInOrderUnderManyConcurrentCallers(io: RedisIO) async throws {
        let redis = try Self.oneConnection(io)
        defer { redis.close() }
        let prefix = TestRedis.uniqueKey("order")
        try await withThrowingTaskGroup(of: Void.self) { group in
            for caller in 0..<200 {
                group.addTask {
                    // Single commands and pipelines of several sizes, all sharing one connection.
                    for round in 0..<5 {
                        let words = (0...((caller + round) % 7)).map { "\(prefix):\(caller):\(round):\($0)" }
                        let results = try await redis.pipeline(words.map { RedisCommand("ECHO", RedisArgument($0)) })
                        #expect(try results.map { try $0.get().string } == words)
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    @Test(arguments: RedisIO.allCases)
    func anErrorReplyInThePipelineFailsOnlyItsOwnSlot(io: RedisIO) async throws {
        let redis = try Self.oneConnection(io)
        defer { redis.close() }
        let list = RedisArgument(TestRedis.uniqueKey("list"))
        try await redis.send("RPUSH", list, "x")
        try await withThrowingTaskGroup(of: Void.self) { group in
            for caller in 0..<50 {
                group.addTask {
                    let results = try await redis.pipeline([
                        RedisCommand("ECHO", RedisArgument("before-\(caller)")), RedisCommand("GET", list), RedisCommand("ECHO", RedisArgument("after-\(caller)")),
                    ])
                    #expect(try results[0].get().string == "before-\(caller)")
                    #expect(throws: RedisError.self) { try results[1].get() }
                    if case .failure(let error) = results[1] { #expect(error.serverErrorCode == "WRONGTYPE") }
                    #expect(try results[2].get().string == "after-\(caller)")
                }
            }
            try await group.waitForAll()
        }
        try await redis.send("DEL", list)
    }

    @Test(arguments: RedisIO.allCases)
    func aStalledServerTimesOutEveryWaitingCallerThenRecovers(io: RedisIO) async throws {
        let server = try await RedisServerProcess()
        defer {
            server.signal(SIGCONT)
            server.stop()
        }
        let redis = RedisClient(configuration: .init(url: server.url(), poolSize: 1, commandTimeout: .milliseconds(200), minimumBackoff: .milliseconds(10), io: io))
        defer { redis.close() }
        try await redis.send("SET", "k", "v")
        server.signal(SIGSTOP)
        let outcomes = await withTaskGroup(of: RedisError?.self) { group in
            for _ in 0..<10 {
                group.addTask {
                    do throws(RedisError) {
                        try await redis.send("GET", "k")
                        return nil
                    } catch {
                        return error
                    }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        for outcome in outcomes {
            guard case .timeout = outcome else {
                Issue.record("expected a timeout, got \(String(describing: outcome))")
                continue
            }
        }
        server.signal(SIGCONT)
        #expect(await eventually { (try? await redis.send("GET", "k")) == .bulkString(Array("v".utf8)) })
    }

    @Test(arguments: RedisIO.allCases)
    func aLoginThatGetsNoAnswerIsAConnectTimeout(io: RedisIO) async throws {
        let server = try await RedisServerProcess(extraArguments: ["--requirepass", "pw"])
        defer {
            server.signal(SIGCONT)
            server.stop()
        }
        // The kernel still accepts TCP connections for a frozen server; only AUTH goes unanswered.
        server.signal(SIGSTOP)
        let redis = RedisClient(configuration: .init(url: server.url(password: "pw"), connectTimeout: .milliseconds(200), commandTimeout: .seconds(60), io: io))
        defer { redis.close() }
        await #expect { try await redis.send("PING") } throws: { error in
            guard case .timeout = error as? RedisError else { return false }
            return true
        }
    }

    @Test(arguments: RedisIO.allCases)
    func aConnectionTheServerClosesIsReplaced(io: RedisIO) async throws {
        let redis = try Self.oneConnection(io)
        let admin = try TestRedis.client()
        defer {
            redis.close()
            admin.close()
        }
        let id = try #require(try await redis.send("CLIENT", "ID").integer)
        #expect(try await admin.send("CLIENT", "KILL", "ID", RedisArgument(id)) == .integer(1))
        #expect(await eventually { (try? await redis.send("PING")) == .simpleString("PONG") })
        #expect(try await redis.send("CLIENT", "ID").integer != id)
    }

    @Test(arguments: RedisIO.allCases)
    func blockingCommandsWaitTheirWindowOnTopOfTheCommandTimeout(io: RedisIO) async throws {
        let list = RedisArgument(TestRedis.uniqueKey("blocking"))
        // A finite window longer than the command timeout ends with the nil reply, not a timeout (the
        // limit is 1 s + 1.5 s, the reply comes after 1.5 s: a second to spare on a loaded machine).
        let patient = try TestRedis.client {
            $0.io = io
            $0.commandTimeout = .seconds(1)
        }
        defer { patient.close() }
        #expect(try await patient.send("BLPOP", list, "1.5") == .null)
        // BLPOP … 0 may wait forever: no timeout at all, however short the command timeout.
        let redis = try TestRedis.client {
            $0.io = io
            $0.commandTimeout = .milliseconds(100)
        }
        defer { redis.close() }
        async let popped = redis.send("BLPOP", list, 0)
        try await Task.sleep(for: .milliseconds(500))
        try await redis.send("RPUSH", list, "item")
        #expect(try await popped == .array([.bulkString(list.bytes), .bulkString(Array("item".utf8))]))
    }
}
