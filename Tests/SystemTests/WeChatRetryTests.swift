import TestSupport
import Testing
import WeChatFake

#if canImport(Glibc)
import Glibc
#endif

extension SystemTests {
    /// WeChat delivers every message three times (it retries when `success` comes late): one reply each.
    @Suite struct WeChatRetryTests {
        @Test func aMessageDeliveredThreeTimesIsQueuedAndRepliedOnce() async throws {
            // No trimming during the test, so the stream length counts what the ingress queued.
            let system = try await SystemFixture(worker: ["WORKER_GAUGE_INTERVAL": "10m"])
            try await system.startWorkers(2)
            let messages = SystemFixture.textMessages(20, tag: "retry", users: 5)
            let pusher = try system.pusher(.safe)
            let requests = try messages.map { try pusher.request(for: $0) }
            // The first half one delivery after the other, the second half all three deliveries at once.
            let sequential = try await system.send(requests.prefix(10).flatMap { [$0, $0, $0] }, parallel: 1)
            let concurrent = try await system.send(requests.suffix(10).flatMap { [$0, $0, $0] }, parallel: 30)
            #expect((sequential + concurrent).filter { $0.status == 200 && $0.body == "success" }.count == 60)

            await system.expectRepliedOnce(messages)
            #expect(try await system.messagesQueued() == 20)
            #expect(try await system.ingressCount("queued") == 20)
            #expect(try await system.ingressCount("duplicate") == 40)
        }

        /// The same while Redis is down: all three deliveries go to the spool, and the replay queues one.
        @Test func retriesSpooledWhileRedisIsDownAreQueuedAndRepliedOnce() async throws {
            let system = try await SystemFixture(redisArguments: ["--appendonly", "yes"], worker: ["WORKER_GAUGE_INTERVAL": "10m"])
            try await system.startWorkers(2)
            await system.stopRedis(signal: SIGTERM)
            let messages = SystemFixture.textMessages(10, tag: "spooled-retry", users: 5)
            let pusher = try system.pusher(.safe)
            let answers = try await system.send(try messages.map { try pusher.request(for: $0) }.flatMap { [$0, $0, $0] }, parallel: 30)
            #expect(answers.filter { $0.status == 200 && $0.body == "success" }.count == 30)
            #expect(try await system.ingressCount("spooled") == 30)

            try await system.redisServer.start()
            await system.expectRepliedOnce(messages)
            #expect(try await system.messagesQueued() == 10)
        }
    }
}
