import Foundation
import Shared
import TestSupport
import Testing
import WeChatFake

@testable import Worker

/// Item 6 of issue 12: a rules regex with catastrophic backtracking cannot stall a worker. A built
/// `worker` process gets such a pattern and the input that makes it explode, next to ordinary messages.
@Suite struct RegexBudgetTests {
    static let rules = """
        keywords:
          - regex: "^(a+)+$"
            reply: "only a"
          - contains: "!"
            reply: "bang"
        default: "default reply"
        """

    @Test func aCatastrophicMatchIsAbandonedAtItsBudget() async throws {
        let rules = try RulesParser.parse(Self.rules, file: "regex.yaml")
        for (text, expected) in [(String(repeating: "a", count: 40) + "!", "bang"), (String(repeating: "a", count: 5_000), "default reply")] {
            let message = try WorkerHarness.text(text, from: "u", appID: "wx")
            let outcome = await within(seconds: 10) { () -> ([CustomerServiceMessage.Content], [String]) in
                var skipped: [String] = []
                let reply = RulesHandler.reply(to: message, rules: rules, budget: .milliseconds(50)) { pattern, _ in skipped.append(pattern) }
                return (reply, skipped)
            }
            let (reply, skipped) = try #require(try outcome?.get(), "the match was still running after 10 s with a 50 ms budget")
            #expect(reply == [.text(expected)])
            #expect(skipped == ["^(a+)+$"])
        }
        // Within budget the regex still answers, with its groups.
        let order = try RulesParser.parse("keywords:\n  - regex: \"^order\\\\s+(\\\\d+)$\"\n    reply: \"Order $1\"\n", file: "r.yaml")
        #expect(RulesHandler.reply(to: try WorkerHarness.text("order 42", from: "u", appID: "wx"), rules: order) == [.text("Order 42")])
    }

    @Test func catastrophicPatternIsSkippedAndOthersAreAnswered() async throws {
        let appID = WorkerHarness.uniqueAppID()
        let fake = FakeWeChatAPI(apps: [appID: WorkerHarness.secret])
        try await fake.start()
        let redis = try TestRedis.client()
        defer { redis.close() }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("regex-rules-\(UInt64.random(in: 0...UInt64.max)).yaml").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Self.rules.write(toFile: path, atomically: true, encoding: .utf8)
        let environment = try WorkerHarness.environment(appID: appID, fake: fake, extra: ["WORKER_RULES": path])
        let worker = try ServiceProcess("worker", environment: environment)
        let evil = String(repeating: "a", count: 40) + "!"
        // Two explosive messages (as many as this machine has cores), then ordinary ones behind them.
        try await WorkerHarness.enqueue(
            [
                try WorkerHarness.text(evil, from: "evil-1", appID: appID), try WorkerHarness.text(evil, from: "evil-2", appID: appID),
                try WorkerHarness.text("hello", from: "plain", appID: appID), try WorkerHarness.text("aaaa", from: "as", appID: appID),
            ], appID: appID, redis: redis)
        let answered = await WorkerHarness.eventually(seconds: 60) { fake.deliveredMessages.count >= 4 }
        #expect(answered, "\(worker.log)")
        let texts = WorkerHarness.deliveredTexts(fake)
        // The pattern ran out of budget: the next rule answered.
        #expect(texts["evil-1"] == ["bang"])
        #expect(texts["evil-2"] == ["bang"])
        #expect(texts["plain"] == ["default reply"])
        #expect(texts["as"] == ["only a"])
        #expect(worker.log.contains("^(a+)+$"), "the skipped rule is logged")
        // A worker stuck in a match would not stop on SIGTERM: bounded, then killed.
        let stopped = await within(seconds: 30) { try await offThePool { worker.stop(signal: SIGTERM) } }
        if stopped == nil { worker.signal(SIGKILL) }
        #expect(stopped.flatMap { try? $0.get() } == 0, "the worker did not stop on SIGTERM")
        await fake.stop()
    }
}
