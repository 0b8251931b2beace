import Foundation
import Shared
import Testing

@testable import Worker

@Suite struct RulesTests {
    static let sample = """
        subscribe: "Welcome!"
        keywords:
          - exact: "ping"
            reply: "pong"
          - contains: "price"
            reply: "See the price list"
          - regex: "^order\\\\s+(\\\\d+)$"
            reply: "Order $1 is on its way"
          - exact: "logo"
            reply: {image: MEDIA_1}
        default: none
        """

    func reply(_ rules: Rules, _ message: InboundMessage) -> [CustomerServiceMessage.Content] {
        RulesHandler.reply(to: message, rules: rules)
    }

    func text(_ content: String) throws -> InboundMessage {
        try WorkerHarness.text(content, from: "user", appID: "wx")
    }

    @Test func keywordRules() throws {
        let rules = try RulesParser.parse(Self.sample, file: "rules.yaml")
        #expect(reply(rules, try text("ping")) == [.text("pong")])
        #expect(reply(rules, try text("  ping ")) == [.text("pong")])
        #expect(reply(rules, try text("what is the price?")) == [.text("See the price list")])
        #expect(reply(rules, try text("order 12345")) == [.text("Order 12345 is on its way")])
        #expect(reply(rules, try text("logo")) == [.image(mediaID: "MEDIA_1")])
        #expect(reply(rules, try text("something else")) == [])  // default: none
        let subscribe = try WorkerHarness.fields([("MsgType", "event"), ("Event", "subscribe")], from: "u")
        #expect(reply(rules, subscribe) == [.text("Welcome!")])
    }

    @Test func defaultEchoAndText() throws {
        var rules = try RulesParser.parse("default: echo\n", file: "r.yaml")
        #expect(reply(rules, try text("hello")) == [.text("hello")])
        rules = try RulesParser.parse("default: \"Sorry, I did not get that\"\n", file: "r.yaml")
        #expect(reply(rules, try text("hello")) == [.text("Sorry, I did not get that")])
    }

    @Test func builtInDefaults() throws {
        let rules = Rules.builtIn
        #expect(reply(rules, try text("hi there")) == [.text("hi there")])
        let image = try WorkerHarness.fields([("MsgType", "image"), ("PicUrl", "http://x"), ("MediaId", "M1"), ("MsgId", "1")], from: "u")
        #expect(reply(rules, image) == [.image(mediaID: "M1")])
        let voice = try WorkerHarness.fields([("MsgType", "voice"), ("MediaId", "V1"), ("Format", "amr"), ("MsgId", "2")], from: "u")
        #expect(reply(rules, voice) == [.voice(mediaID: "V1")])
        let subscribe = try WorkerHarness.fields([("MsgType", "event"), ("Event", "subscribe")], from: "u")
        #expect(reply(rules, subscribe).count == 1)
        let unsubscribe = try WorkerHarness.fields([("MsgType", "event"), ("Event", "unsubscribe")], from: "u")
        #expect(reply(rules, unsubscribe) == [])
        let location = try WorkerHarness.fields([("MsgType", "event"), ("Event", "LOCATION"), ("Latitude", "1"), ("Longitude", "2")], from: "u")
        #expect(reply(rules, location) == [])
        let template = try WorkerHarness.fields([("MsgType", "event"), ("Event", "TEMPLATESENDJOBFINISH"), ("MsgID", "3"), ("Status", "success")], from: "u")
        #expect(reply(rules, template) == [])
    }

    @Test func malformedFilesNameLineAndProblem() {
        func problem(_ yaml: String) -> RulesParseError? {
            do {
                _ = try RulesParser.parse(yaml, file: "bad.yaml")
                return nil
            } catch {
                return error
            }
        }
        let unknownKey = problem("keywords:\n  - exact: ping\n    reply: pong\n  - exakt: x\n    reply: y\n")
        #expect(unknownKey?.line == 4)
        #expect(unknownKey?.description.contains("bad.yaml") == true)
        #expect(unknownKey?.description.contains("exakt") == true)
        let badRegex = problem("keywords:\n  - regex: \"(unclosed\"\n    reply: x\n")
        #expect(badRegex?.line == 2)
        #expect(badRegex?.problem.contains("regex") == true)
        let noReply = problem("keywords:\n  - exact: ping\n")
        #expect(noReply?.line == 2)
        let notYAML = problem("keywords: [unclosed\n")
        #expect(notYAML?.line != nil)
        #expect(problem("default: {gif: x}\n")?.problem.contains("unknown reply type") == true)
    }

    @Test func reloadKeepsOldRulesOnError() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("rules-\(UInt64.random(in: 0...UInt64.max)).yaml").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try "keywords:\n  - exact: ping\n    reply: pong\n".write(toFile: path, atomically: true, encoding: .utf8)
        let handler = try RulesHandler(path: path)
        #expect(RulesHandler.reply(to: try text("ping"), rules: handler.rules) == [.text("pong")])
        try "keywords:\n  - exact: ping\n    reply: PONG\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(handler.reload())
        #expect(RulesHandler.reply(to: try text("ping"), rules: handler.rules) == [.text("PONG")])
        try "keywords:\n  - exact: ping\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(!handler.reload())
        #expect(RulesHandler.reply(to: try text("ping"), rules: handler.rules) == [.text("PONG")])
    }

    @Test func retryPolicyIsBounded() {
        let policy = RetryPolicy(maximumAttempts: 3, base: .seconds(1), maximum: .seconds(10), budget: .seconds(600))
        #expect(policy.delay(afterAttempts: 1) != nil)
        #expect(policy.delay(afterAttempts: 2) != nil)
        #expect(policy.delay(afterAttempts: 3) == nil)
        for attempts in 1...2 {
            let delay = policy.delay(afterAttempts: attempts) ?? .zero
            #expect(delay >= .milliseconds(500) && delay <= .seconds(15))
        }
        #expect((policy.delay(afterAttempts: 1, errcode: 45011) ?? .zero) >= .seconds(60))
    }

    @Test func retriesAreBoundedByTimeNotCount() {
        let policy = RetryPolicy(maximumAttempts: 0, base: .seconds(1), maximum: .seconds(10), budget: .seconds(60))
        // No count limit: the 50th attempt is still retried while the budget lasts.
        #expect(policy.delay(afterAttempts: 50, elapsed: .seconds(5)) != nil)
        // Never past the end of the budget, and nothing once it is spent.
        #expect((policy.delay(afterAttempts: 50, elapsed: .seconds(58)) ?? .zero) <= .seconds(2))
        #expect(policy.delay(afterAttempts: 1, elapsed: .seconds(60)) == nil)
        #expect(throws: ConfigurationError.self) { try WorkerSettings(environment: ["WORKER_RETRY_FOR": "49h"]) }
        #expect((try? WorkerSettings(environment: ["WORKER_RETRY_FOR": "48h"]))?.retryFor == .seconds(48 * 3600))
        #expect((try? WorkerSettings(environment: [:]))?.maximumDeliveries == 10)
        #expect((try? WorkerSettings(environment: ["WORKER_DEAD_LETTER_MAXLEN": "5000"]))?.deadLetterMaximumLength == 5000)
    }

    @Test func settingsRejectBadValuesNamingTheVariable() {
        #expect(throws: ConfigurationError.self) { try WorkerSettings(environment: ["WECHAT_TOKEN_API": "fancy"]) }
        do {
            _ = try WorkerSettings(environment: ["WORKER_CLAIM_IDLE": "soon"])
            Issue.record("accepted a bad duration")
        } catch {
            #expect(error.variable == "WORKER_CLAIM_IDLE")
        }
        #expect((try? WorkerSettings(environment: ["WORKER_CLAIM_IDLE": "500ms"]))?.claimIdle == .milliseconds(500))
        #expect((try? WorkerSettings(environment: [:]))?.tokenAPI == .stable)
    }
}
