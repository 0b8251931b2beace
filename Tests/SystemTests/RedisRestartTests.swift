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
            await system.expectRepliedOnce(before)

            await system.stopRedis(signal: SIGTERM)
            let during = SystemFixture.textMessages(30, tag: "restart", users: 10)
            let answers = try await system.push(during, mode: .safe)
            let accepted = zip(during, answers).filter { $0.1.status == 200 && $0.1.body == "success" }.map(\.0)
            #expect(accepted.count == 30, "the spool should take every message: \(answers.map(\.status))")
            #expect(try await system.ingressCount("spooled") == 30)

            try await system.redisServer.start()
            await system.expectRepliedOnce(before + accepted)
        }

        /// Redis stops while replies are on the wire (API latency 1 s): WeChat accepts them while the
        /// workers cannot mark them sent. Once Redis is back none of them may be sent again.
        @Test func repliesAcceptedWhileRedisIsDownAreNotSentAgain() async throws {
            // WORKER_CLAIM_IDLE 10s: the workers are back in touch with Redis before anyone may reclaim
            // the entries they still hold.
            let system = try await SystemFixture(
                faults: FakeWeChatFaults(latency: .seconds(1)), redisArguments: ["--appendonly", "yes"], worker: ["WORKER_CLAIM_IDLE": "10s"])
            try await system.startWorkers(2)
            let messages = SystemFixture.textMessages(16, tag: "wire", users: 16)
            _ = try await system.push(messages)
            // Half the replies are on the wire: WeChat will accept them while Redis is down.
            #expect(await eventually(seconds: 60) { system.fake.sendsInFlight >= messages.count / 2 }, "\(system.logTail())")
            await system.stopRedis(signal: SIGTERM)
            let repliedBefore = system.replyCounts().count
            #expect(await eventually(seconds: 60) { system.fake.sendsInFlight == 0 })
            #expect(system.replyCounts().count > repliedBefore, "no reply was accepted while Redis was down")

            try await system.redisServer.start()
            await system.expectRepliedOnce(messages)
        }
    }
}
