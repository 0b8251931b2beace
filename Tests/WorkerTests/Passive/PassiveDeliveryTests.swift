import Logging
import Shared
import TestSupport
import Testing

@testable import Worker

/// The worker's half of passive replies against a real Redis, with the ingress played by the same
/// scripts it runs: the answer offered, the decision obeyed, and the worker's own decision when no
/// ingress ever decides (it crashed).
@Suite struct PassiveDeliveryTests {
    /// `ingressTakesIt`: the test plays an ingress that takes the answer, so the worker's own deadline is
    /// far (no race on a loaded machine); else it is short, for the tests where no ingress ever decides.
    static func setup(_ redis: RedisClient, ingressTakesIt: Bool = false) -> (PassiveDelivery, PassiveReplyBoard) {
        let board = PassiveReplyBoard(redis: redis, keys: QueueKeys(appID: "wxpd\(UInt32.random(in: 0...UInt32.max))"))
        var delivery = PassiveDelivery(board: board, budget: .milliseconds(100), logger: Logger(label: "test.passive"))
        delivery.grace = ingressTakesIt ? .seconds(60) : .milliseconds(100)
        return (delivery, board)
    }

    static func envelope(_ text: String, path: ReplyPath, id: Int) throws -> MessageEnvelope {
        let message = try InboundMessage(fields: [
            XMLField("ToUserName", "gh_pd"), XMLField("FromUserName", "u"), XMLField("CreateTime", "1"), XMLField("MsgType", "text"),
            XMLField("Content", text), XMLField("MsgId", String(id)),
        ])
        return MessageEnvelope(appID: "wxpd", receivedAtMilliseconds: WallClock.milliseconds(), message: message, replyPath: path)
    }

    /// Plays the waiting ingress: looks (for at most 30 s) until the answer is ready and takes it passively.
    static func takeWhenReady(_ dedupKey: String, board: PassiveReplyBoard, deferOverflow: Bool) async throws -> PassiveReplyBoard.Decision {
        var decision = PassiveReplyBoard.Decision(state: .waiting, xml: "")
        _ = try await eventually(seconds: 30, every: .milliseconds(5)) {
            decision = try await board.decide(dedupKey, openID: "u", fromWaiting: nil, fromReady: .passive, deferOverflow: deferOverflow)
            return decision.state == .passive
        }
        return decision
    }

    @Test func withNoIngressDecidingHybridFallsBackToCustomerService() async throws {
        let redis = try TestRedis.client()
        defer { redis.close() }
        let (delivery, board) = Self.setup(redis)
        let envelope = try Self.envelope("hi", path: .hybrid, id: 1)
        let replies = try await delivery.route([Reply(.text("answer"))], envelope: envelope)
        #expect(replies.map(\.content) == [.text("answer")])
        #expect(try await board.state(envelope.dedupKey) == .async)
    }

    @Test func withNoIngressDecidingPassiveDefersAndTheNextMessageCarriesIt() async throws {
        let redis = try TestRedis.client()
        defer { redis.close() }
        let (delivery, board) = Self.setup(redis)
        let first = try Self.envelope("one", path: .passive, id: 1)
        #expect(try await delivery.route([Reply(.text("answer one"))], envelope: first).isEmpty)
        #expect(try await board.state(first.dedupKey) == .deferred)
        #expect(try await board.deferredTexts("u") == ["answer one"])
        // The next message: the ingress waits for it and takes the joined answer.
        let second = try Self.envelope("two", path: .passive, id: 2)
        _ = try await board.arrive(second.dedupKey, instance: "i1")
        var patient = delivery
        patient.grace = .seconds(60)
        async let routed = patient.route([Reply(.text("answer two"))], envelope: second)
        let decision = try await Self.takeWhenReady(second.dedupKey, board: board, deferOverflow: true)
        #expect(try await routed.isEmpty)
        #expect(decision.xml.contains("<![CDATA[answer one\n\nanswer two]]>"))
        #expect(try await board.deferredTexts("u").isEmpty)
    }

    @Test func anAsyncMessageIsNotTouched() async throws {
        let redis = try TestRedis.client()
        defer { redis.close() }
        let (delivery, board) = Self.setup(redis)
        let envelope = try Self.envelope("hi", path: .async, id: 1)
        #expect(try await delivery.route([Reply(.text("answer"))], envelope: envelope).map(\.content) == [.text("answer")])
        #expect(try await board.state(envelope.dedupKey) == .gone)
    }

    @Test func aLongAnswerIsSplitAtTheLimitAndHybridSendsTheRestByCustomerService() async throws {
        let redis = try TestRedis.client()
        defer { redis.close() }
        let (delivery, board) = Self.setup(redis, ingressTakesIt: true)
        let envelope = try Self.envelope("hi", path: .hybrid, id: 1)
        _ = try await board.arrive(envelope.dedupKey, instance: "i1")
        let long = String(repeating: "b", count: 3_000)
        async let routed = delivery.route([Reply(.text(long)), Reply(.menu(.init(headContent: "pick", items: [], tailContent: "")))], envelope: envelope)
        let decision = try await Self.takeWhenReady(envelope.dedupKey, board: board, deferOverflow: false)
        let rest = try await routed
        #expect(decision.xml.contains("<![CDATA[" + String(repeating: "b", count: PassiveText.maximumBytes) + "]]>"))
        #expect(rest.count == 2)
        #expect(rest.first?.content == .text(String(repeating: "b", count: 3_000 - PassiveText.maximumBytes)))
    }
}
