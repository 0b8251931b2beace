import Shared
import TestSupport
import Testing
import WeChatFake

@testable import Worker

/// A handler that does not read the reply window (the rules) gets the message's window opened and the
/// allowance spent in the begin-send step (issue 17: one round trip instead of three). The allowance must
/// count exactly as when each step had its own round trip, and a message with no reply must still open
/// its window.
@Suite struct WindowInBeginSendTests {
    /// `count` texts, each falling back to the template, from a handler that never reads the window.
    struct BlindReplies: MessageHandler {
        var count: Int
        var readsReach: Bool { false }

        func handle(_ message: InboundMessage) async throws -> [CustomerServiceMessage.Content] { [] }

        func answer(_ message: InboundMessage, reach: ReachContext) async throws -> [Reply] {
            #expect(reach.window == .untracked, "a handler that does not read the window is not sent one")
            return (0..<count).map {
                Reply(
                    .text("r\($0)"),
                    fallback: ReplyFallback(
                        template: TemplateMessage(templateID: ReachTests.template, data: [FallbackField(key: "thing1", value: "{{reply}}")], url: "https://example.com/inbox")))
            }
        }
    }

    @Test func theSixthReplyIsTheTemplateWhenTheWindowOpensInTheBeginSendStep() async throws {
        let appID = WorkerHarness.uniqueAppID()
        let fake = try await ReachTests.fake(appID)
        let redis = try TestRedis.client()
        defer { redis.close() }
        let worker = RunningWorker(try WorkerHarness.components(appID: appID, fake: fake, handler: BlindReplies(count: 6)))
        try await ReachTests.push(try WorkerHarness.text("hello", from: "b6", appID: appID), appID: appID, fake: fake, redis: redis)
        #expect(await WorkerHarness.eventually { fake.deliveredTemplates.count == 1 })
        #expect(await WorkerHarness.eventually { await WorkerHarness.isDrained(appID: appID, redis: redis) })
        await worker.stop()
        await fake.stop()
        // Five customer-service messages, every one accepted: the window was open before the first send.
        #expect(ReachTests.sends(fake, to: "b6").map(\.errcode) == [0, 0, 0, 0, 0])
        #expect(fake.deliveredTemplates.map(\.data) == [["thing1": "r5"]])
        let left = try await redis.send("HGET", RedisArgument(ReachKeys(appID: appID).window("b6")), "ml").string
        #expect(left == "0")
    }

    /// The begin-send step reads the user's windows once and writes them once: a step that is fenced still
    /// opens the message's window (a fact about the user) and renews its lifetime, but spends nothing; the
    /// holder's step then spends one message of the window it finds open.
    @Test func aFencedBeginSendOpensTheWindowButSpendsNothing() async throws {
        let redis = try TestRedis.client()
        defer { redis.close() }
        let appID = WorkerHarness.uniqueAppID()
        try await WorkerHarness.enqueue([try WorkerHarness.text("hi", from: "w", appID: appID)], appID: appID, redis: redis)
        let queue = LeaseQueue(redis: redis, keys: QueueKeys(appID: appID), consumer: "c", leaseDuration: .seconds(30))
        let lease = try #require(try await queue.take(count: 1).leases.first)
        let tracker = ReachTracker(redis: redis, keys: ReachKeys(appID: appID))
        let windowKey = RedisArgument(tracker.keys.window("w"))
        let step = LeaseQueue.ReachStep(
            windowKey: tracker.keys.window("w"), observe: tracker.observeArguments(try MessageEnvelope(decoding: lease.record.envelope).message), spend: true)
        var stale = lease
        stale.token = "0:gone"
        let fenced = try await queue.begin(stale, index: 0, dedupKey: "k", reach: step)
        #expect(fenced.permission == .fenced)
        #expect(fenced.spent == nil)
        #expect(try await redis.send("HGET", windowKey, "ml").string == "5")
        #expect(try await redis.send("PTTL", windowKey).integer ?? 0 > 0)
        let begun = try await queue.begin(lease, index: 0, dedupKey: "k", reach: step)
        #expect(begun.permission == .send)
        #expect(begun.spent == .spent(.userMessage))
        #expect(try await redis.send("HGET", windowKey, "ml").string == "4")
    }

    @Test func aMessageWithNoReplyStillOpensItsWindow() async throws {
        let appID = WorkerHarness.uniqueAppID()
        let fake = try await ReachTests.fake(appID)
        let redis = try TestRedis.client()
        defer { redis.close() }
        let worker = RunningWorker(try WorkerHarness.components(appID: appID, fake: fake, handler: BlindReplies(count: 0)))
        try await ReachTests.push(try WorkerHarness.text("hello", from: "b0", appID: appID), appID: appID, fake: fake, redis: redis)
        #expect(await WorkerHarness.eventually { await WorkerHarness.isDrained(appID: appID, redis: redis) })
        await worker.stop()
        await fake.stop()
        let window = try await redis.send("HMGET", RedisArgument(ReachKeys(appID: appID).window("b0")), "ml", "mu").array?.map(\.string)
        #expect(window?.first == "5", "the 48-hour window is open with its 5 messages")
        #expect(Int64(window?.last??.description ?? "") ?? 0 > WallClock.milliseconds(), "and ends in the future")
        #expect(ReachTests.sends(fake, to: "b0").isEmpty)
    }
}
