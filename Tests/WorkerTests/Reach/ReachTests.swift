import Foundation
import Shared
import TestSupport
import Testing
import WeChatFake

@testable import Worker

/// The reply-window allowance, fallbacks, receipts and media uploads: workers in process against the
/// real Redis and the fake API, which enforces WeChat's windows for the users it was told of.
@Suite struct ReachTests {
    static let template = "TPL_NEW_REPLY"

    /// Answers every message with `count` texts `r0`, `r1`, … each falling back to the template.
    struct ManyReplies: MessageHandler {
        var count: Int
        var fallback: ReplyFallback? = ReplyFallback(
            template: TemplateMessage(templateID: ReachTests.template, data: [FallbackField(key: "thing1", value: "{{reply}}")], url: "https://example.com/inbox"))

        func handle(_ message: InboundMessage) async throws -> [CustomerServiceMessage.Content] { [] }

        func answer(_ message: InboundMessage, reach: ReachContext) async throws -> [Reply] {
            switch message.kind {
            case .event(.templateSendJobFinish), .event(.subscribeMessagePopup): return []
            default: break
            }
            return (0..<count).map { Reply(.text("r\($0)"), fallback: fallback) }
        }
    }

    static func fake(_ appID: String) async throws -> FakeWeChatAPI {
        let fake = FakeWeChatAPI(apps: [appID: WorkerHarness.secret])
        try await fake.start()
        fake.addTemplate(template, keywords: ["thing1"])
        return fake
    }

    /// Queues `message` as the ingress would, and tells the fake WeChat saw it.
    static func push(_ message: InboundMessage, appID: String, fake: FakeWeChatAPI, redis: RedisClient) async throws {
        fake.observe(message)
        try await WorkerHarness.enqueue([message], appID: appID, redis: redis)
    }

    static func sends(_ fake: FakeWeChatAPI, to user: String) -> [FakeWeChatCall] {
        fake.calls.filter { $0.path == FakeWeChatAPI.sendPath && $0.message?.toUser == user }
    }

    @Test func theSixthReplyWithin48HoursIsTheTemplateOnceEvenWhenItsAnswerIsLost() async throws {
        let appID = WorkerHarness.uniqueAppID()
        let fake = try await Self.fake(appID)
        let redis = try TestRedis.client()
        defer { redis.close() }
        // WeChat delivers the template but its answer is lost: the message is retried, and the template
        // goes again with the same client_msg_id.
        fake.loseTemplateAnswers(1)
        let worker = RunningWorker(try WorkerHarness.components(appID: appID, fake: fake, handler: ManyReplies(count: 6)))
        try await Self.push(try WorkerHarness.text("hello", from: "u6", appID: appID), appID: appID, fake: fake, redis: redis)
        #expect(await WorkerHarness.eventually { fake.deliveredTemplates.count == 1 && fake.calls.filter { $0.path == FakeWeChatAPI.templatePath }.count == 2 })
        #expect(await WorkerHarness.eventually { await WorkerHarness.isDrained(appID: appID, redis: redis) })
        await worker.stop()
        await fake.stop()

        // Five customer-service messages, all taken: the relay never asked for a sixth.
        #expect(Self.sends(fake, to: "u6").map(\.errcode) == [0, 0, 0, 0, 0])
        #expect(WorkerHarness.deliveredTexts(fake)["u6"] == ["r0", "r1", "r2", "r3", "r4"])
        let template = try #require(fake.deliveredTemplates.first)
        #expect(fake.deliveredTemplates.count == 1)
        #expect(template.data == ["thing1": "r5"])
        let templateCalls = fake.calls.filter { $0.path == FakeWeChatAPI.templatePath }
        #expect(templateCalls.map(\.status) == [500, 200])
        let clientIDs = templateCalls.map { call in
            (try? JSONDecoder().decode(JSONValue.self, from: Data(call.body.utf8)))?.object?["client_msg_id"]?.string
        }
        #expect(clientIDs.count == 2 && clientIDs[0] != nil && clientIDs[0] == clientIDs[1], "both attempts carry the same client_msg_id")
        #expect(try await redis.send("XLEN", RedisArgument(QueueKeys(appID: appID).deadLetters)).integer == 0)
    }

    @Test func aUserWhoOnlyFollowedGetsThreeRepliesWithinAMinuteThenTheFallback() async throws {
        let appID = WorkerHarness.uniqueAppID()
        let fake = try await Self.fake(appID)
        let redis = try TestRedis.client()
        defer { redis.close() }
        let worker = RunningWorker(try WorkerHarness.components(appID: appID, fake: fake, handler: ManyReplies(count: 4)))
        let follow = try WorkerHarness.fields([("MsgType", "event"), ("Event", "subscribe"), ("EventKey", "")], from: "f1")
        try await Self.push(follow, appID: appID, fake: fake, redis: redis)
        #expect(await WorkerHarness.eventually { fake.deliveredTemplates.count == 1 })
        #expect(await WorkerHarness.eventually { await WorkerHarness.isDrained(appID: appID, redis: redis) })
        await worker.stop()
        await fake.stop()
        #expect(Self.sends(fake, to: "f1").map(\.errcode) == [0, 0, 0])
        #expect(fake.deliveredTemplates.map(\.data) == [["thing1": "r3"]])
    }

    @Test func weChatsAnswerIsTheAuthority() async throws {
        let appID = WorkerHarness.uniqueAppID()
        let fake = try await Self.fake(appID)
        let redis = try TestRedis.client()
        defer { redis.close() }
        // WeChat saw a follow (3 sends within a minute); the relay only sees a LOCATION report, which
        // opens no window: it knows nothing of the user and tries, and 45047 sets its count to 0.
        let follow = try WorkerHarness.fields([("MsgType", "event"), ("Event", "subscribe"), ("EventKey", "")], from: "a1")
        fake.observe(follow)
        let worker = RunningWorker(try WorkerHarness.components(appID: appID, fake: fake, handler: ManyReplies(count: 5)))
        let location = try WorkerHarness.fields([("MsgType", "event"), ("Event", "LOCATION"), ("Latitude", "1"), ("Longitude", "2"), ("Precision", "3")], from: "a1")
        try await Self.push(location, appID: appID, fake: fake, redis: redis)
        #expect(await WorkerHarness.eventually { fake.deliveredTemplates.count == 2 })
        #expect(await WorkerHarness.eventually { await WorkerHarness.isDrained(appID: appID, redis: redis) })
        await worker.stop()
        await fake.stop()
        // Three taken, one refused with 45047, then the fallback straight away for the last two.
        #expect(Self.sends(fake, to: "a1").map(\.errcode) == [0, 0, 0, 45047])
        #expect(fake.deliveredTemplates.map(\.data) == [["thing1": "r3"], ["thing1": "r4"]])
        let window = try await redis.send("HMGET", RedisArgument(ReachKeys(appID: appID).window("a1")), "ml", "el").array?.map(\.string)
        #expect(window == ["0", "0"])
    }

    @Test func withoutAFallbackTheRefusalIsDeadLetteredAsBefore() async throws {
        let appID = WorkerHarness.uniqueAppID()
        let fake = try await Self.fake(appID)
        let redis = try TestRedis.client()
        defer { redis.close() }
        let worker = RunningWorker(try WorkerHarness.components(appID: appID, fake: fake, handler: ManyReplies(count: 6, fallback: nil)))
        try await Self.push(try WorkerHarness.text("hi", from: "n1", appID: appID), appID: appID, fake: fake, redis: redis)
        let keys = QueueKeys(appID: appID)
        #expect(await WorkerHarness.eventually { (try? await redis.send("XLEN", RedisArgument(keys.deadLetters)).integer) == 1 })
        await worker.stop()
        await fake.stop()
        // Without a fallback the sixth is still tried (WeChat decides) and its 45047 is the dead letter's.
        #expect(Self.sends(fake, to: "n1").map(\.errcode) == [0, 0, 0, 0, 0, 45047])
        #expect(try await DeadLetters(redis: redis, keys: keys).list().first?.errcode == "45047")
    }

    @Test func theReceiptIsLinkedToItsMessageAndStatusShowsIt() async throws {
        let appID = WorkerHarness.uniqueAppID()
        let fake = try await Self.fake(appID)
        let redis = try TestRedis.client()
        defer { redis.close() }
        let worker = RunningWorker(try WorkerHarness.components(appID: appID, fake: fake, handler: ManyReplies(count: 6)))
        let message = try WorkerHarness.text("hello", from: "rc", appID: appID)
        try await Self.push(message, appID: appID, fake: fake, redis: redis)
        #expect(await WorkerHarness.eventually { fake.deliveredTemplates.count == 1 })
        let msgID = try #require(fake.deliveredTemplates.first?.msgID)
        // The receipt, as the ingress queues WeChat's push.
        let receipt = try WorkerHarness.fields(
            [("MsgType", "event"), ("Event", "TEMPLATESENDJOBFINISH"), ("MsgID", String(msgID)), ("Status", "failed:user block")], from: "rc")
        try await WorkerHarness.enqueue([receipt], appID: appID, redis: redis)
        let keys = ReachKeys(appID: appID)
        #expect(await WorkerHarness.eventually { (try? await redis.send("HGET", RedisArgument(keys.template(String(msgID))), "status").string) == "failed:user block" })
        await worker.stop()
        await fake.stop()
        let link = try await redis.send("HMGET", RedisArgument(keys.template(String(msgID))), "key", "index").array?.map(\.string)
        #expect(link == [message.dedupKey.rawValue, "5"])
        let status = try await ReceiptStatus.read(redis: redis, keys: keys)
        #expect(status.counts == ["sent": 1, "failed:user block": 1])
        #expect(status.report.contains("1 sent, 0 awaiting a receipt; receipts: failed:user block 1"))
        #expect(status.report.contains("receipt \(msgID) failed:user block \(message.dedupKey.rawValue)"))
    }

    @Test func anAcceptedSubscribeMessageGoesBeforeTheTemplateOncePerAcceptance() async throws {
        let appID = WorkerHarness.uniqueAppID()
        let fake = try await Self.fake(appID)
        let redis = try TestRedis.client()
        defer { redis.close() }
        let data = [FallbackField(key: "thing1", value: "{{reply}}")]
        let fallback = ReplyFallback(
            subscribe: SubscribeMessage(templateID: "SUB_ORDER", data: data, page: "https://example.com/o", miniProgram: nil),
            template: TemplateMessage(templateID: Self.template, data: data, url: nil, miniProgram: nil))
        let worker = RunningWorker(try WorkerHarness.components(appID: appID, fake: fake, handler: ManyReplies(count: 7, fallback: fallback)))
        // The user accepted one notification of SUB_ORDER on an article an hour ago.
        var popup = SimulatedMessage(from: "s1", kind: .event("subscribe_msg_popup_event", key: nil), createTime: WallClock.seconds() - 3600)
        popup.extraXML =
            "<SubscribeMsgPopupEvent><List><TemplateId><![CDATA[SUB_ORDER]]></TemplateId><SubscribeStatusString><![CDATA[accept]]></SubscribeStatusString><PopupScene>2</PopupScene></List></SubscribeMsgPopupEvent>"
        try await Self.push(try InboundMessage(xml: Array(popup.xml.utf8)), appID: appID, fake: fake, redis: redis)
        try await Self.push(try WorkerHarness.text("my order?", from: "s1", appID: appID), appID: appID, fake: fake, redis: redis)
        #expect(await WorkerHarness.eventually { fake.deliveredTemplates.count == 2 })
        #expect(await WorkerHarness.eventually { await WorkerHarness.isDrained(appID: appID, redis: redis) })
        await worker.stop()
        await fake.stop()
        #expect(Self.sends(fake, to: "s1").map(\.errcode) == [0, 0, 0, 0, 0])
        // The one acceptance carries the sixth reply; the seventh falls back to the template.
        #expect(fake.deliveredTemplates.map(\.path) == [FakeWeChatAPI.bizsendPath, FakeWeChatAPI.templatePath])
        #expect(fake.deliveredTemplates.map(\.data) == [["thing1": "r5"], ["thing1": "r6"]])
        #expect(fake.calls.filter { $0.path == FakeWeChatAPI.bizsendPath }.map(\.errcode) == [0])
    }

    /// Answers with an image made of the message's text, as bytes.
    struct DrawingHandler: MessageHandler {
        func handle(_ message: InboundMessage) async throws -> [CustomerServiceMessage.Content] { [] }
        func answer(_ message: InboundMessage, reach: ReachContext) async throws -> [Reply] {
            guard case .text(let content, _) = message.kind else { return [] }
            return [Reply(.image(mediaID: ""), upload: MediaUpload(kind: .image, bytes: Array("PNG:\(content)".utf8), url: nil, fileExtension: "png"))]
        }
    }

    @Test func anImageFromBytesIsUploadedOnceAndIdenticalImagesReuseTheMediaID() async throws {
        let appID = WorkerHarness.uniqueAppID()
        let fake = try await Self.fake(appID)
        let redis = try TestRedis.client()
        defer { redis.close() }
        let worker = RunningWorker(try WorkerHarness.components(appID: appID, fake: fake, handler: DrawingHandler()))
        // One after the other: identical bytes drawn later reuse the first upload.
        for (count, (user, animal)) in [("i1", "cat"), ("i2", "cat"), ("i3", "cat"), ("i1", "dog")].enumerated() {
            try await Self.push(try WorkerHarness.text(animal, from: user, appID: appID), appID: appID, fake: fake, redis: redis)
            #expect(await WorkerHarness.eventually { fake.deliveredMessages.count == count + 1 })
        }
        #expect(await WorkerHarness.eventually { fake.deliveredMessages.count == 4 })
        await worker.stop()
        await fake.stop()
        #expect(fake.mediaUploads == 2)
        let images = fake.deliveredMessages.compactMap { message -> String? in
            if case .image(let id) = message.content { return id }
            return nil
        }
        #expect(images.count == 4)
        #expect(Set(images).count == 2)
        #expect(images.allSatisfy { $0.hasPrefix(FakeWeChatAPI.mediaPrefix) })
    }

    @Test func aLongEchoIsSplitAtCharacterBoundariesWhileTheAllowanceLasts() async throws {
        let appID = WorkerHarness.uniqueAppID()
        let fake = try await Self.fake(appID)
        let redis = try TestRedis.client()
        defer { redis.close() }
        let worker = RunningWorker(try WorkerHarness.components(appID: appID, fake: fake))
        // 1 500 family emoji of 25 bytes each: 37 500 bytes, far more than five messages carry.
        let long = String(repeating: "👨‍👩‍👧‍👦", count: 1_500)
        try await Self.push(try WorkerHarness.text(long, from: "l1", appID: appID), appID: appID, fake: fake, redis: redis)
        #expect(await WorkerHarness.eventually { await WorkerHarness.isDrained(appID: appID, redis: redis) })
        await worker.stop()
        await fake.stop()
        let parts = WorkerHarness.deliveredTexts(fake)["l1"] ?? []
        #expect(parts.count == 5)
        #expect(parts.allSatisfy { $0.utf8.count <= 2048 })
        #expect(parts.dropLast().allSatisfy { $0.allSatisfy { $0 == "👨‍👩‍👧‍👦" } })
        #expect(parts.last?.hasSuffix("…") == true)
    }
}
