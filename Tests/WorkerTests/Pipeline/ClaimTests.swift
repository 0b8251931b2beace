import AsyncHTTPClient
import Foundation
import Shared
import TestSupport
import Testing
import WeChatFake

@testable import Worker

/// Claims: heartbeats keep slow work from being stolen; a message that keeps killing workers stops.
@Suite struct ClaimTests {
    @Test func slowHandlersKeepTheirClaimAndAreNotRepliedTwice() async throws {
        struct Slow: MessageHandler {
            func handle(_ message: InboundMessage) async throws -> [CustomerServiceMessage.Content] {
                try await Task.sleep(for: .seconds(3))
                guard case .text(let content, _) = message.kind else { return [] }
                return [.text(content)]
            }
        }
        let appID = WorkerHarness.uniqueAppID()
        let fake = FakeWeChatAPI(apps: [appID: WorkerHarness.secret])
        try await fake.start()
        let redis = try TestRedis.client()
        defer { redis.close() }
        let workers = try (0..<2).map { _ in RunningWorker(try WorkerHarness.components(appID: appID, fake: fake, extra: ["WORKER_CLAIM_IDLE": "1s"], handler: Slow())) }
        try await WorkerHarness.enqueue((0..<4).map { try WorkerHarness.text("slow \($0)", from: "s\($0)", appID: appID) }, appID: appID, redis: redis)
        #expect(await WorkerHarness.eventually(seconds: 60) { fake.deliveredMessages.count >= 4 })
        try await Task.sleep(for: .seconds(1))
        for worker in workers { await worker.stop() }
        await fake.stop()
        #expect(fake.deliveredMessages.count == 4)
    }

    @Test func aMessageWhoseLeaseExpiresTooOftenIsDeadLetteredAndTheUserGoesOn() async throws {
        let appID = WorkerHarness.uniqueAppID()
        let fake = FakeWeChatAPI(apps: [appID: WorkerHarness.secret])
        try await fake.start()
        let redis = try TestRedis.client()
        defer { redis.close() }
        let keys = QueueKeys(appID: appID)
        try await WorkerHarness.enqueue(
            [try WorkerHarness.text("poison", from: "p", appID: appID), try WorkerHarness.text("next", from: "p", appID: appID)], appID: appID, redis: redis)
        // Nine workers already died holding it; a tenth takes it and dies too.
        try await redis.send("HSET", RedisArgument(keys.stalls), "p", "9")
        let ghost = LeaseQueue(redis: redis, keys: keys, consumer: "ghost", leaseDuration: .milliseconds(50))
        #expect(try await ghost.take(count: 1).leases.count == 1)
        // The worker's own lease long enough that a loaded machine (the whole suite at once) does not lose
        // "next" mid-send; its reaper still comes by every third of it.
        let worker = RunningWorker(try WorkerHarness.components(appID: appID, fake: fake, extra: ["WORKER_CLAIM_IDLE": "1s"]))
        #expect(await WorkerHarness.eventually { (try? await redis.send("XLEN", RedisArgument(keys.deadLetters)).integer) == 1 })
        #expect(await WorkerHarness.eventually { WorkerHarness.deliveredTexts(fake)["p"] == ["next"] })
        await worker.stop()
        await fake.stop()
        let letter = try #require(try await DeadLetters(redis: redis, keys: keys).list().first)
        #expect(letter.reason == "too-many-deliveries")
        #expect(letter.user == "p")
        guard case .text(let content, _) = try MessageEnvelope(decoding: letter.record.envelope).message.kind else {
            Issue.record("the dead letter is not the text message")
            return
        }
        #expect(content == "poison")
    }
}
