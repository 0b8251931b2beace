import AsyncHTTPClient
import Foundation
import Shared
import TestSupport
import Testing
import WeChatFake

@testable import Worker

/// The whole worker in process against the real Redis and the fake API.
@Suite struct WorkerPipelineTests {
    @Test func fourWorkersOneTokenFetchThenOneMoreAfterExpiry() async throws {
        let appID = WorkerHarness.uniqueAppID()
        let fake = FakeWeChatAPI(apps: [appID: WorkerHarness.secret])
        try await fake.start()
        let redis = try TestRedis.client()
        defer { redis.close() }
        let workers = try (0..<4).map { _ in RunningWorker(try WorkerHarness.components(appID: appID, fake: fake)) }

        try await WorkerHarness.enqueue((0..<40).map { try WorkerHarness.text("m\($0)", from: "user\($0 % 8)", appID: appID) }, appID: appID, redis: redis)
        #expect(await WorkerHarness.eventually { fake.deliveredMessages.count >= 40 })
        #expect(fake.tokensIssued == 1)

        fake.expireTokensNow()
        try await WorkerHarness.enqueue((40..<80).map { try WorkerHarness.text("m\($0)", from: "user\($0 % 8)", appID: appID) }, appID: appID, redis: redis)
        #expect(await WorkerHarness.eventually { fake.deliveredMessages.count >= 80 })
        for worker in workers { await worker.stop() }
        await fake.stop()

        #expect(fake.tokensIssued == 2)
        let texts = WorkerHarness.deliveredTexts(fake).values.flatMap { $0 }
        #expect(texts.count == 80)
        #expect(Set(texts) == Set((0..<80).map { "m\($0)" }))
    }

    @Test func stormsOfMinusOneAndHTTP500StillReplyExactlyOnce() async throws {
        let appID = WorkerHarness.uniqueAppID()
        let fake = FakeWeChatAPI(apps: [appID: WorkerHarness.secret], faults: FakeWeChatFaults(failRate: 0.3, http500Rate: 0.2))
        try await fake.start()
        let redis = try TestRedis.client()
        defer { redis.close() }
        let workers = try (0..<2).map { _ in RunningWorker(try WorkerHarness.components(appID: appID, fake: fake)) }
        try await WorkerHarness.enqueue((0..<60).map { try WorkerHarness.text("s\($0)", from: "u\($0 % 6)", appID: appID) }, appID: appID, redis: redis)
        #expect(await WorkerHarness.eventually { fake.deliveredMessages.count >= 60 })
        #expect(fake.calls.contains { $0.errcode == -1 })
        #expect(fake.calls.contains { $0.status == 500 })
        // Let late retries show themselves, if there were any.
        try await Task.sleep(for: .milliseconds(300))
        for worker in workers { await worker.stop() }
        await fake.stop()
        let texts = WorkerHarness.deliveredTexts(fake).values.flatMap { $0 }
        #expect(texts.count == 60)
        #expect(Set(texts).count == 60)
        #expect(try await redis.send("XLEN", RedisArgument(QueueKeys(appID: appID).deadLetters)).integer == 0)
    }

    @Test func outsideTheWindowIsDeadLetteredAfterOneAttempt() async throws {
        let appID = WorkerHarness.uniqueAppID()
        let fake = FakeWeChatAPI(apps: [appID: WorkerHarness.secret], faults: FakeWeChatFaults(rejectedOpenIDs: ["gone": 45015]))
        try await fake.start()
        let redis = try TestRedis.client()
        defer { redis.close() }
        let worker = RunningWorker(try WorkerHarness.components(appID: appID, fake: fake))
        try await WorkerHarness.enqueue(
            [try WorkerHarness.text("to the gone user", from: "gone", appID: appID), try WorkerHarness.text("hello", from: "here", appID: appID)],
            appID: appID, redis: redis)
        let keys = QueueKeys(appID: appID)
        #expect(await WorkerHarness.eventually { (try? await redis.send("XLEN", RedisArgument(keys.deadLetters)).integer) == 1 })
        #expect(await WorkerHarness.eventually { fake.deliveredMessages.count == 1 })
        await worker.stop()
        await fake.stop()
        let letters = try await DeadLetters(redis: redis, keys: keys).list()
        #expect(letters.count == 1)
        #expect(letters.first?.errcode == "45015")
        #expect(letters.first?.attempts == "1")
        #expect(fake.calls.filter { $0.errcode == 45015 }.count == 1)
        #expect(WorkerHarness.deliveredTexts(fake)["here"] == ["hello"])
        // Finished: nothing left queued or held.
        #expect(await WorkerHarness.isDrained(appID: appID, redis: redis))
    }

    @Test func defaultRulesEchoTextImageVoiceAndWelcome() async throws {
        let appID = WorkerHarness.uniqueAppID()
        let fake = FakeWeChatAPI(apps: [appID: WorkerHarness.secret])
        try await fake.start()
        let redis = try TestRedis.client()
        defer { redis.close() }
        let worker = RunningWorker(try WorkerHarness.components(appID: appID, fake: fake))
        let messages = [
            try WorkerHarness.text("echo me", from: "a", appID: appID),
            try WorkerHarness.fields([("MsgType", "image"), ("PicUrl", "http://p"), ("MediaId", "IMG"), ("MsgId", "901")], from: "b"),
            try WorkerHarness.fields([("MsgType", "voice"), ("MediaId", "VOC"), ("Format", "amr"), ("MsgId", "902")], from: "c"),
            try WorkerHarness.fields([("MsgType", "event"), ("Event", "subscribe"), ("EventKey", "")], from: "d"),
            try WorkerHarness.fields([("MsgType", "event"), ("Event", "unsubscribe")], from: "e"),
            try WorkerHarness.fields([("MsgType", "event"), ("Event", "LOCATION"), ("Latitude", "1"), ("Longitude", "2"), ("Precision", "3")], from: "f"),
        ]
        try await WorkerHarness.enqueue(messages, appID: appID, redis: redis)
        #expect(await WorkerHarness.eventually { fake.deliveredMessages.count >= 4 })
        #expect(await WorkerHarness.eventually { await WorkerHarness.isDrained(appID: appID, redis: redis) })
        await worker.stop()
        await fake.stop()
        let byUser = Dictionary(grouping: fake.deliveredMessages, by: \.toUser)
        #expect(byUser["a"]?.map(\.content) == [.text("echo me")])
        #expect(byUser["b"]?.map(\.content) == [.image(mediaID: "IMG")])
        #expect(byUser["c"]?.map(\.content) == [.voice(mediaID: "VOC")])
        #expect(byUser["d"]?.count == 1)
        #expect(byUser["e"] == nil)
        #expect(byUser["f"] == nil)
    }

    @Test func sameMessageQueuedTwiceIsRepliedOnce() async throws {
        let appID = WorkerHarness.uniqueAppID()
        let fake = FakeWeChatAPI(apps: [appID: WorkerHarness.secret])
        try await fake.start()
        let redis = try TestRedis.client()
        defer { redis.close() }
        let worker = RunningWorker(try WorkerHarness.components(appID: appID, fake: fake))
        let message = try WorkerHarness.text("only once", from: "dup", appID: appID, msgID: 424242)
        try await WorkerHarness.addRaw(message, appID: appID, redis: redis)
        #expect(await WorkerHarness.eventually { fake.deliveredMessages.count == 1 })
        try await WorkerHarness.addRaw(message, appID: appID, redis: redis)
        // The second copy was taken and finished.
        #expect(await WorkerHarness.eventually { await WorkerHarness.isDrained(appID: appID, redis: redis) })
        try await Task.sleep(for: .milliseconds(200))
        await worker.stop()
        await fake.stop()
        #expect(fake.deliveredMessages.count == 1)
    }

    @Test func replayedDeadLettersAreRepliedOnceEvenWhenReplayedTwice() async throws {
        let appID = WorkerHarness.uniqueAppID()
        let fake = FakeWeChatAPI(apps: [appID: WorkerHarness.secret], faults: FakeWeChatFaults(rejectedOpenIDs: ["r": 45047]))
        try await fake.start()
        let redis = try TestRedis.client()
        defer { redis.close() }
        struct TwoReplies: MessageHandler {
            func handle(_ message: InboundMessage) async throws -> [CustomerServiceMessage.Content] { [.text("first"), .image(mediaID: "SECOND")] }
        }
        let worker = RunningWorker(try WorkerHarness.components(appID: appID, fake: fake, handler: TwoReplies()))
        let keys = QueueKeys(appID: appID)
        let message = try WorkerHarness.text("x", from: "r", appID: appID, msgID: 77)
        try await WorkerHarness.enqueue([message], appID: appID, redis: redis)
        #expect(await WorkerHarness.eventually { (try? await redis.send("XLEN", RedisArgument(keys.deadLetters)).integer) == 1 })
        #expect(fake.deliveredMessages.isEmpty)

        // The quota is back: replay; both replies go out.
        fake.faults = FakeWeChatFaults()
        #expect(try await DeadLetters(redis: redis, keys: keys).replay() == 1)
        #expect(await WorkerHarness.eventually { fake.deliveredMessages.count == 2 })
        // The same message queued again: the sent-reply markers stop both replies.
        try await WorkerHarness.addRaw(message, appID: appID, redis: redis)
        #expect(await WorkerHarness.eventually { await WorkerHarness.isDrained(appID: appID, redis: redis) })
        await worker.stop()
        await fake.stop()
        #expect(fake.deliveredMessages.count == 2)
        #expect(try await redis.send("XLEN", RedisArgument(keys.deadLetters)).integer == 0)
    }

    @Test func aReplayEndsAtTheLettersPresentWhenItStarted() async throws {
        let appID = WorkerHarness.uniqueAppID()
        // Eight users outside the window: a user's messages go one at a time, so several users keep this quick on a loaded machine.
        let stuck = (0..<8).map { "stuck\($0)" }
        let fake = FakeWeChatAPI(apps: [appID: WorkerHarness.secret], faults: FakeWeChatFaults(rejectedOpenIDs: Dictionary(uniqueKeysWithValues: stuck.map { ($0, 45015) })))
        try await fake.start()
        let redis = try TestRedis.client()
        defer { redis.close() }
        let keys = QueueKeys(appID: appID)
        let worker = RunningWorker(try WorkerHarness.components(appID: appID, fake: fake))
        try await WorkerHarness.enqueue((0..<200).map { try WorkerHarness.text("stuck \($0)", from: stuck[$0 % 8], appID: appID) }, appID: appID, redis: redis)
        #expect(await WorkerHarness.eventually(seconds: 120) { (try? await redis.send("XLEN", RedisArgument(keys.deadLetters)).integer) == 200 })
        // The worker dead-letters each replayed letter again at once (the user is still outside the window):
        // the replay still ends, having replayed each of the 200 once.
        let replayed = try await DeadLetters(redis: redis, keys: keys).replay()
        #expect(replayed == 200)
        #expect(await WorkerHarness.eventually(seconds: 120) { (try? await redis.send("XLEN", RedisArgument(keys.deadLetters)).integer) == 200 })
        await worker.stop()
        await fake.stop()
    }

    @Test func anotherInstanceRepliesToWhatADeadConsumerTook() async throws {
        let appID = WorkerHarness.uniqueAppID()
        let fake = FakeWeChatAPI(apps: [appID: WorkerHarness.secret])
        try await fake.start()
        let redis = try TestRedis.client()
        defer { redis.close() }
        let keys = QueueKeys(appID: appID)
        try await WorkerHarness.enqueue((0..<10).map { try WorkerHarness.text("orphan \($0)", from: "o\($0 % 3)", appID: appID) }, appID: appID, redis: redis)
        // A consumer takes all three users and dies without finishing anything.
        let ghost = LeaseQueue(redis: redis, keys: keys, consumer: "dead-consumer", leaseDuration: .milliseconds(300))
        #expect(try await ghost.take(count: 100).leases.count == 3)
        // Its leases expire after 300 ms; the worker's own (2 s) stay safe on a loaded machine.
        let worker = RunningWorker(try WorkerHarness.components(appID: appID, fake: fake, extra: ["WORKER_CLAIM_IDLE": "2s"]))
        #expect(await WorkerHarness.eventually { fake.deliveredMessages.count >= 10 })
        #expect(await WorkerHarness.eventually { await WorkerHarness.isDrained(appID: appID, redis: redis) })
        await worker.stop()
        await fake.stop()
        let texts = WorkerHarness.deliveredTexts(fake)
        for user in 0..<3 {
            #expect(texts["o\(user)"] == stride(from: user, to: 10, by: 3).map { "orphan \($0)" })
        }
    }

    @Test func oneUsersMessagesKeepTheirOrder() async throws {
        let appID = WorkerHarness.uniqueAppID()
        let fake = FakeWeChatAPI(apps: [appID: WorkerHarness.secret], faults: FakeWeChatFaults(latency: .milliseconds(5)))
        try await fake.start()
        let redis = try TestRedis.client()
        defer { redis.close() }
        let worker = RunningWorker(try WorkerHarness.components(appID: appID, fake: fake, extra: ["WORKER_CONCURRENCY": "16"]))
        try await WorkerHarness.enqueue((0..<30).map { try WorkerHarness.text("n\($0)", from: $0 % 2 == 0 ? "even" : "odd", appID: appID) }, appID: appID, redis: redis)
        #expect(await WorkerHarness.eventually { fake.deliveredMessages.count >= 30 })
        await worker.stop()
        await fake.stop()
        let texts = WorkerHarness.deliveredTexts(fake)
        #expect(texts["even"] == stride(from: 0, to: 30, by: 2).map { "n\($0)" })
        #expect(texts["odd"] == stride(from: 1, to: 30, by: 2).map { "n\($0)" })
    }

    @Test func badEnvelopesAreDeadLetteredWithTheirReason() async throws {
        let appID = WorkerHarness.uniqueAppID()
        let fake = FakeWeChatAPI(apps: [appID: WorkerHarness.secret])
        try await fake.start()
        let redis = try TestRedis.client()
        defer { redis.close() }
        let keys = QueueKeys(appID: appID)
        let worker = RunningWorker(try WorkerHarness.components(appID: appID, fake: fake))
        try await WorkerHarness.addBytes("1\n{\"v\":9}", user: "bad", appID: appID, redis: redis)
        try await WorkerHarness.addBytes("1\nnot json", user: "bad", appID: appID, redis: redis)
        try await WorkerHarness.enqueue([try WorkerHarness.text("after the bad ones", from: "bad", appID: appID)], appID: appID, redis: redis)
        #expect(await WorkerHarness.eventually { (try? await redis.send("XLEN", RedisArgument(keys.deadLetters)).integer) == 2 })
        // A dead letter releases the user's next message.
        #expect(await WorkerHarness.eventually { WorkerHarness.deliveredTexts(fake)["bad"] == ["after the bad ones"] })
        await worker.stop()
        await fake.stop()
        let reasons = try await DeadLetters(redis: redis, keys: keys).list().map(\.reason)
        #expect(reasons == ["unsupported-version", "malformed-envelope"])
    }
}
