import Shared
import TestSupport
import Testing

/// The passive-reply state machine against a real Redis: each transition, and exactly one path when the
/// ingress and the worker decide at the same time.
@Suite struct PassiveReplyBoardTests {
    static func board(_ redis: RedisClient) -> PassiveReplyBoard {
        PassiveReplyBoard(redis: redis, keys: QueueKeys(appID: "wxp\(UInt32.random(in: 0...UInt32.max))"))
    }

    static let answer = PassiveReplyBoard.Answer(xml: "<xml>hi</xml>", overflow: ["later"], texts: ["hi", "later"])

    @Test func theIngressTakesAReadyAnswerAndARetryGetsItAgain() async throws {
        let redis = try TestRedis.client()
        defer { redis.close() }
        let board = Self.board(redis)
        let first = try await board.arrive("m1", instance: "i1")
        #expect(first.state == .waiting && first.deliveries == 1)
        let offered = try await board.offer("m1", openID: "u", answer: Self.answer, taken: 0)
        #expect(offered.state == .ready && offered.instances == ["i1"])
        let decision = try await board.decide("m1", openID: "u", fromWaiting: nil, fromReady: .passive, deferOverflow: true)
        #expect(decision == .init(state: .passive, xml: "<xml>hi</xml>"))
        // The overflow waits for the user's next message (passive mode).
        #expect(try await board.deferredTexts("u") == ["later"])
        let retry = try await board.arrive("m1", instance: "i2")
        #expect(retry.state == .passive && retry.deliveries == 2 && retry.xml == "<xml>hi</xml>")
        // The worker deciding late changes nothing.
        #expect(try await board.decide("m1", openID: "u", fromWaiting: .async, fromReady: .async, deferOverflow: false).state == .passive)
    }

    @Test func aDeferredMessageSendsItsTextsToTheNextMessageWhichTakesThem() async throws {
        let redis = try TestRedis.client()
        defer { redis.close() }
        let board = Self.board(redis)
        _ = try await board.arrive("m1", instance: "i1")
        #expect(try await board.decide("m1", openID: "u", fromWaiting: .deferred, fromReady: .passive, deferOverflow: true).state == .deferred)
        #expect(try await board.offer("m1", openID: "u", answer: Self.answer, taken: 0).state == .deferred)
        #expect(try await board.deferredTexts("u") == ["hi", "later"])
        // Offered again (a repeated attempt): nothing is deferred twice.
        #expect(try await board.offer("m1", openID: "u", answer: Self.answer, taken: 0).state == .deferred)
        #expect(try await board.deferredTexts("u") == ["hi", "later"])
        // The next message's answer took both texts: they leave the list.
        _ = try await board.arrive("m2", instance: "i1")
        let next = PassiveReplyBoard.Answer(xml: "<xml>hi later next</xml>", overflow: [], texts: ["hi", "later", "next"])
        #expect(try await board.offer("m2", openID: "u", answer: next, taken: 2).state == .ready)
        #expect(try await board.deferredTexts("u").isEmpty)
    }

    @Test func anOfferBeforeTheIngressArrivesIsReadyForIt() async throws {
        let redis = try TestRedis.client()
        defer { redis.close() }
        let board = Self.board(redis)
        #expect(try await board.offer("m1", openID: "u", answer: Self.answer, taken: 0).state == .ready)
        let arrival = try await board.arrive("m1", instance: "i1")
        #expect(arrival.state == .ready)
        #expect(try await board.decide("m1", openID: "u", fromWaiting: nil, fromReady: .passive, deferOverflow: false).state == .passive)
    }

    @Test func theWorkerDecidesWhenTheIngressNeverDoes() async throws {
        let redis = try TestRedis.client()
        defer { redis.close() }
        let board = Self.board(redis)
        _ = try await board.arrive("m1", instance: "i1")
        _ = try await board.offer("m1", openID: "u", answer: Self.answer, taken: 0)
        #expect(try await board.decide("m1", openID: "u", fromWaiting: .deferred, fromReady: .deferred, deferOverflow: true).state == .deferred)
        #expect(try await board.deferredTexts("u") == ["hi", "later"])
        // The ingress's late look answers the placeholder path, not the reply.
        #expect(try await board.decide("m1", openID: "u", fromWaiting: nil, fromReady: .passive, deferOverflow: true).state == .deferred)
    }

    /// 200 messages, each decided by the ingress (wants `passive`) and the worker (wants `async`) at the
    /// same time on separate connections: every one ends on exactly one path, and both sides saw the same.
    @Test func concurrentDecisionsAgreeOnExactlyOnePath() async throws {
        let ingressRedis = try TestRedis.client()
        let workerRedis = try TestRedis.client()
        defer {
            ingressRedis.close()
            workerRedis.close()
        }
        let ingress = Self.board(ingressRedis)
        let worker = PassiveReplyBoard(redis: workerRedis, keys: ingress.keys)
        let keys = (0..<200).map { "m\($0)" }
        for key in keys {
            _ = try await ingress.arrive(key, instance: "i1")
            _ = try await worker.offer(key, openID: "u", answer: Self.answer, taken: 0)
        }
        let outcomes = try await withThrowingTaskGroup(of: (String, PassiveState, PassiveState).self) { group in
            for key in keys {
                group.addTask {
                    async let seenByIngress = ingress.decide(key, openID: "u", fromWaiting: .async, fromReady: .passive, deferOverflow: false)
                    async let seenByWorker = worker.decide(key, openID: "u", fromWaiting: .async, fromReady: .async, deferOverflow: false)
                    return (key, try await seenByIngress.state, try await seenByWorker.state)
                }
            }
            var outcomes: [(String, PassiveState, PassiveState)] = []
            for try await outcome in group { outcomes.append(outcome) }
            return outcomes
        }
        #expect(outcomes.count == keys.count)
        for (key, ingressSaw, workerSaw) in outcomes {
            #expect(ingressSaw == workerSaw, "\(key): the ingress saw \(ingressSaw), the worker \(workerSaw)")
            #expect(ingressSaw == .passive || ingressSaw == .async)
            #expect(try await ingress.state(key) == ingressSaw)
        }
    }
}
