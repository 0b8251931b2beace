import TestSupport
import Testing
import WeChatFake

#if canImport(Glibc)
import Glibc
#endif

extension SystemTests {
    /// Redis stops while messages arrive: the ingress spools them, and once Redis is back (same port and
    /// data directory, append-only file on) every message answered `success` is replied, once.
    @Suite struct RedisRestartTests {
        @Test func messagesSpooledWhileRedisIsDownAreRepliedOnceItIsBack() async throws {
            let system = try await SystemFixture(redisArguments: ["--appendonly", "yes"])
            try await system.startWorkers(2)
            let before = SystemFixture.textMessages(5, tag: "before", users: 5)
            _ = try await system.push(before)
            try await system.expectRepliedOnce(before)

            await system.stopRedis(signal: SIGTERM)
            let during = SystemFixture.textMessages(30, tag: "restart", users: 10)
            let answers = try await system.push(during, mode: .safe)
            let accepted = zip(during, answers).filter { $0.1.status == 200 && $0.1.body == "success" }.map(\.0)
            #expect(accepted.count == 30, "the spool should take every message: \(answers.map(\.status))")
            #expect(try await system.ingressCount("spooled") == 30)

            try await system.redisServer.start()
            try await system.expectRepliedOnce(before + accepted)
        }
    }
}
