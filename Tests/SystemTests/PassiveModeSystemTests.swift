import AsyncHTTPClient
import Foundation
import Hummingbird
import NIOCore
import Shared
import Synchronization
import TestSupport
import Testing
import WeChatFake

/// Passive and hybrid reply modes end to end (issue 16): the real ingress and workers, pushes delivered
/// the way WeChat does (again when no answer comes in time, three deliveries in all), replies counted in
/// the HTTP answers and at the fake API's customer-service endpoint.
@Suite(.serialized) struct PassiveModeSystemTests {
    /// The team's webhook: answers `re:<text>`, after `delay(text)`.
    final class Webhook: Sendable {
        let delay: @Sendable (String) -> Duration

        init(delay: @escaping @Sendable (String) -> Duration) { self.delay = delay }

        func router() -> Router<BasicRequestContext> {
            let router = Router()
            router.post("/hook") { request, _ -> Response in
                let body = String(buffer: try await request.body.collect(upTo: 1 << 20))
                let text = body.firstMatch(of: /"Content":"([^"]*)"/).map { String($0.1) } ?? ""
                try? await Task.sleep(for: self.delay(text))
                let answer = text.isEmpty ? "{}" : #"{"messages":[{"msgtype":"text","text":{"content":"re:\#(text)"}}]}"#
                return Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(string: answer)))
            }
            return router
        }
    }

    static func modeEnvironment(_ mode: String, budgetMS: Int) -> [String: String] {
        ["WECHAT_REPLY_MODE": mode, "WECHAT_PASSIVE_BUDGET_MS": String(budgetMS)]
    }

    /// Delivers each message like WeChat (`timeout` per delivery, 3 in all), `parallel` at a time; the
    /// passive reply texts each one's answer carried (nil: `success`).
    static func deliver(
        _ messages: [SimulatedMessage], pusher: WeChatPusher, timeout: Duration, parallel: Int = 8
    ) async throws -> [(message: SimulatedMessage, delivery: WeChatPusher.Delivery, passive: String?)] {
        try await withThrowingTaskGroup(of: (Int, WeChatPusher.Delivery, String?).self) { group in
            var results = [(WeChatPusher.Delivery, String?)?](repeating: nil, count: messages.count)
            for (index, message) in messages.enumerated() {
                if index >= parallel, let (done, delivery, text) = try await group.next() { results[done] = (delivery, text) }
                group.addTask {
                    let delivery = try await pusher.deliver(try pusher.request(for: message), using: HTTPClient.shared, timeout: timeout)
                    let passive = try delivery.result.flatMap { try pusher.passiveReply(in: $0.body) }
                    return (index, delivery, passive.map { $0.text ?? "(\($0.msgType))" })
                }
            }
            for try await (done, delivery, text) in group { results[done] = (delivery, text) }
            return zip(messages, results).map { ($0, $1!.0, $1!.1) }
        }
    }

    /// The relay in `mode` with two workers asking `webhook` (no typing indicator), and the webhook's server.
    static func start(_ webhook: Webhook, mode: String, budgetMS: Int, ingress: [String: String] = [:]) async throws -> (SystemFixture, LoopbackRouterApp) {
        let hook = try await LoopbackRouterApp(webhook.router())
        let environment = modeEnvironment(mode, budgetMS: budgetMS)
        let fixture = try await SystemFixture(
            worker: environment.merging(["WORKER_WEBHOOK_URL": "http://127.0.0.1:\(hook.port)/hook", "WORKER_TYPING_AFTER": "off"]) { $1 },
            ingress: environment.merging(ingress) { $1 })
        try await fixture.startWorkers(2)
        return (fixture, hook)
    }

    /// What the webhook answers each text message.
    static func webhookAnswers(_ messages: [SimulatedMessage]) -> [String] {
        messages.compactMap { message -> String? in
            if case .text(let text) = message.kind { return "re:" + text }
            return nil
        }
    }

    /// Waits until every answer in `expected` arrived, in an HTTP answer of `results` or by customer
    /// service, and the queue is settled; then expects each exactly once. The passive ones, by text.
    @discardableResult
    static func expectEachAnsweredOnce(
        _ expected: [String], results: [(message: SimulatedMessage, delivery: WeChatPusher.Delivery, passive: String?)], fixture: SystemFixture,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async -> [String: Int] {
        var passive: [String: Int] = [:]
        for result in results { if let text = result.passive { passive[text, default: 0] += 1 } }
        let settled = await eventually(seconds: 60) {
            let sent = fixture.replyCounts()
            guard expected.allSatisfy({ (passive[$0] ?? 0) + (sent[$0] ?? 0) >= 1 }) else { return false }
            return (try? await fixture.isSettled()) ?? false
        }
        #expect(settled, "\(fixture.logTail())", sourceLocation: sourceLocation)
        let sent = fixture.replyCounts()
        for text in expected {
            #expect(
                (passive[text] ?? 0) + (sent[text] ?? 0) == 1, "\(text): \(passive[text] ?? 0) passive, \(sent[text] ?? 0) by customer service",
                sourceLocation: sourceLocation)
        }
        return passive
    }

    /// Customer-service texts the fake accepted, by text.
    static func customerServiceCounts(_ fixture: SystemFixture) -> [String: Int] {
        fixture.replyCounts()
    }

    @Test(arguments: [WeChatPusher.Mode.plaintext, .safe])
    func aFastRuleIsAnsweredInTheHTTPResponse(mode: WeChatPusher.Mode) async throws {
        let environment = Self.modeEnvironment("passive", budgetMS: 4_000)
        let fixture = try await SystemFixture(worker: environment, ingress: environment, unverified: true)
        try await fixture.startWorkers(1)
        let messages = SystemFixture.textMessages(10, tag: "fast-\(mode.rawValue)", users: 5)
        let results = try await Self.deliver(messages, pusher: try fixture.pusher(mode), timeout: .seconds(5))
        for (message, delivery, passive) in results {
            guard case .text(let text) = message.kind else { continue }
            #expect(delivery.result?.status == 200)
            #expect(passive == text, "\(text): answered \(delivery.result?.body.prefix(200) ?? "nothing")\n\(fixture.logTail())")
            if mode == .safe { #expect(delivery.result?.body.contains("<Encrypt>") == true) }
        }
        // Nothing went by customer service (the account is unverified: it would have failed with 48001).
        #expect(fixture.fake.calls.filter { $0.path == FakeWeChatAPI.sendPath }.isEmpty)
        #expect(await eventually { (try? await fixture.isSettled()) ?? false })
    }

    /// WeChat's ladder squeezed into 2 s per delivery: a 7 s webhook is not ready by the third delivery,
    /// which answers the placeholder; the real answer comes with the user's next message.
    @Test func aSlowWebhookGetsThePlaceholderAndItsAnswerComesWithTheNextMessage() async throws {
        let webhook = Webhook { $0.hasPrefix("slow") ? .seconds(7) : .zero }
        let hook = try await LoopbackRouterApp(webhook.router())
        defer { Task { await hook.stop() } }
        let environment = Self.modeEnvironment("passive", budgetMS: 1_000).merging(["WECHAT_PASSIVE_PLACEHOLDER": "thinking…"]) { $1 }
        let fixture = try await SystemFixture(
            worker: environment.merging(["WORKER_WEBHOOK_URL": "http://127.0.0.1:\(hook.port)/hook", "WORKER_WEBHOOK_TIMEOUT": "30s"]) { $1 },
            ingress: environment, unverified: true)
        try await fixture.startWorkers(1)
        let pusher = try fixture.pusher(.safe)
        let user = "o-slow"
        let slow = try await Self.deliver([SimulatedMessage(from: user, kind: .text("slow question"))], pusher: pusher, timeout: .seconds(2))
        #expect(slow[0].delivery.deliveries == 3, "\(fixture.logTail())")
        #expect(slow[0].passive == "thinking…")
        // The answer waits for the user's next message.
        let deferred = QueueKeys(appID: SystemFixture.appID).passiveDeferred(user)
        #expect(await eventually(seconds: 30) { (try? await fixture.redis.send("LLEN", RedisArgument(deferred)).integer) == 1 }, "\(fixture.logTail())")
        let next = try await Self.deliver([SimulatedMessage(from: user, kind: .text("next"))], pusher: pusher, timeout: .seconds(5))
        #expect(next[0].passive == "re:slow question\n\nre:next", "\(fixture.logTail())")
        #expect(fixture.fake.calls.filter { $0.path == FakeWeChatAPI.sendPath }.isEmpty)
        #expect(try await fixture.redis.send("LLEN", RedisArgument(deferred)).integer == 0)
    }

    /// 100 messages whose answers take 0…600 ms against a 300 ms budget, so both paths are taken: every
    /// message's answer arrives exactly once, either in the HTTP response or by customer service, never both.
    @Test(arguments: ["hybrid", "passive"])
    func neverBothAPassiveAndACustomerServiceReply(mode: String) async throws {
        let webhook = Webhook { text in .milliseconds(Int(text.split(separator: "-").last.flatMap { Int($0) } ?? 0) % 7 * 100) }
        let (fixture, hook) = try await Self.start(webhook, mode: mode, budgetMS: 300)
        defer { Task { await hook.stop() } }
        let messages = SystemFixture.textMessages(100, tag: "both-\(mode)", users: 20)
        let results = try await Self.deliver(messages, pusher: try fixture.pusher(.safe), timeout: .seconds(5), parallel: 20)
        let expected = Self.webhookAnswers(messages)
        let passive = await Self.expectEachAnsweredOnce(expected, results: results, fixture: fixture)
        let passiveCount = expected.filter { passive[$0] != nil }.count
        // Both paths were exercised in hybrid mode; passive mode answers everything passively (on a retry).
        if mode == "hybrid" {
            #expect(passiveCount > 0 && passiveCount < expected.count, "\(passiveCount) of \(expected.count) passive")
        } else {
            #expect(passiveCount == expected.count)
        }
    }

    @Test func hybridUnderAFastHandlerAnswersAlmostEverythingPassively() async throws {
        let environment = Self.modeEnvironment("hybrid", budgetMS: 4_000)
        let fixture = try await SystemFixture(worker: environment, ingress: environment)
        try await fixture.startWorkers(2)
        let messages = SystemFixture.textMessages(100, tag: "hybrid-fast", users: 25)
        let results = try await Self.deliver(messages, pusher: try fixture.pusher(.safe), timeout: .seconds(5), parallel: 10)
        let passive = results.filter { result in
            if case .text(let text) = result.message.kind { return result.passive == text }
            return false
        }.count
        #expect(passive >= 95, "\(passive) of 100 answered passively\n\(fixture.logTail())")
        // The others went by customer service, exactly once each.
        let answered = await eventually(seconds: 60) {
            let sent = fixture.replyCounts()
            return results.allSatisfy { result in
                guard case .text(let text) = result.message.kind else { return true }
                return result.passive == text || sent[text] != nil
            }
        }
        #expect(answered)
        let sent = fixture.replyCounts()
        for result in results {
            guard case .text(let text) = result.message.kind else { continue }
            #expect((result.passive == text ? 1 : 0) + (sent[text] ?? 0) == 1, "\(text)")
        }
    }

    /// A handler slower than the budget: every answer goes by customer service, none passively.
    @Test func hybridWithTheBudgetExceededTakesExactlyOnePath() async throws {
        let webhook = Webhook { _ in .milliseconds(1_500) }
        let (fixture, hook) = try await Self.start(webhook, mode: "hybrid", budgetMS: 300)
        defer { Task { await hook.stop() } }
        let messages = SystemFixture.textMessages(20, tag: "over-budget", users: 20)
        let results = try await Self.deliver(messages, pusher: try fixture.pusher(.plaintext), timeout: .seconds(5), parallel: 20)
        #expect(results.allSatisfy { $0.delivery.result?.body == "success" && $0.delivery.deliveries == 1 })
        let expected = Self.webhookAnswers(messages)
        let answered = await eventually(seconds: 60) {
            guard expected.allSatisfy({ fixture.replyCounts()[$0] != nil }) else { return false }
            return (try? await fixture.isSettled()) ?? false
        }
        #expect(answered, "\(fixture.logTail())")
        let sent = fixture.replyCounts()
        for text in expected { #expect(sent[text] == 1, "\(text) sent \(sent[text] ?? 0) times") }
    }

    /// `INGRESS_PASSIVE_MAX_WAITING=1`: pushes beyond the one waiting are answered `success` at once
    /// (counted as `overflow`), and still every answer arrives exactly once.
    @Test func pastTheWaitingCapPushesAreAnsweredAtOnceAndNothingIsLost() async throws {
        let webhook = Webhook { _ in .milliseconds(500) }
        let (fixture, hook) = try await Self.start(webhook, mode: "hybrid", budgetMS: 3_000, ingress: ["INGRESS_PASSIVE_MAX_WAITING": "1"])
        defer { Task { await hook.stop() } }
        let messages = SystemFixture.textMessages(10, tag: "cap", users: 10)
        let results = try await Self.deliver(messages, pusher: try fixture.pusher(.plaintext), timeout: .seconds(5), parallel: 10)
        await Self.expectEachAnsweredOnce(Self.webhookAnswers(messages), results: results, fixture: fixture)
        let port = fixture.ingressPort
        let metrics = try await HTTPTestClient.send(port: port, method: "GET", path: "/metrics").body
        let overflow = metrics.split(separator: "\n").first { $0.hasPrefix(#"wechat_ingress_passive_total{outcome="overflow"} "#) }
        #expect(overflow.flatMap { Int($0.split(separator: " ").last ?? "") }.map { $0 > 0 } == true, "\(overflow ?? "no overflow line")")
    }
}
