import Foundation
import Shared
import Testing

@testable import Worker

/// Rules' `clicks:` and `scans:`: a menu key and a QR-code scene answered from the rules file.
@Suite struct ScanRulesTests {
    static let rules = """
        subscribe: "Welcome!"
        clicks:
          V1001_TODAY: "Today's specials"
          SCAN_MENU: {image: MEDIA_SCAN}
        scans:
          abc: "You scanned abc"
          12345: "Table 12345"
        default: none
        """

    func event(_ name: String, key: String?) throws -> InboundMessage {
        var fields = [("MsgType", "event"), ("Event", name)]
        if let key { fields.append(("EventKey", key)) }
        return try WorkerHarness.fields(fields, from: "o_scan")
    }

    @Test func subscribeWithQrscenePrefixAndScanHitTheSameRule() throws {
        let rules = try RulesParser.parse(Self.rules, file: "rules.yaml")
        let subscribe = try event("subscribe", key: "qrscene_abc")
        let scan = try event("SCAN", key: "abc")
        #expect(RulesHandler.reply(to: subscribe, rules: rules) == [.text("You scanned abc")])
        #expect(RulesHandler.reply(to: scan, rules: rules) == [.text("You scanned abc")])
        #expect(RulesHandler.reply(to: try event("SCAN", key: "12345"), rules: rules) == [.text("Table 12345")])
        // A plain follow, or a code without a rule: the welcome; an unknown SCAN: nothing.
        #expect(RulesHandler.reply(to: try event("subscribe", key: nil), rules: rules) == [.text("Welcome!")])
        #expect(RulesHandler.reply(to: try event("subscribe", key: "qrscene_other"), rules: rules) == [.text("Welcome!")])
        #expect(RulesHandler.reply(to: try event("SCAN", key: "other"), rules: rules) == [])
        #expect(WebhookHandler.scene(of: subscribe) == "abc")
        #expect(WebhookHandler.scene(of: scan) == "abc")
        #expect(WebhookHandler.scene(of: try event("subscribe", key: nil)) == nil)
    }

    @Test func clicksAnswerMenuKeysAndScancodeEvents() throws {
        let rules = try RulesParser.parse(Self.rules, file: "rules.yaml")
        #expect(RulesHandler.reply(to: try event("CLICK", key: "V1001_TODAY"), rules: rules) == [.text("Today's specials")])
        #expect(RulesHandler.reply(to: try event("scancode_waitmsg", key: "SCAN_MENU"), rules: rules) == [.image(mediaID: "MEDIA_SCAN")])
        #expect(RulesHandler.reply(to: try event("CLICK", key: "UNKNOWN"), rules: rules) == [])
        #expect(throws: RulesParseError.self) { try RulesParser.parse("clicks: [a, b]\n", file: "r.yaml") }
        #expect(throws: RulesParseError.self) { try RulesParser.parse("scans:\n  abc: {gif: x}\n", file: "r.yaml") }
    }
}

/// The demo's files (`make run`): the example menu passes `worker menu check`, and every click key in it
/// has an answer in the example rules.
@Suite struct ExampleFilesTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func exampleMenuKeysAreAnsweredByTheExampleRules() throws {
        let menu = try MenuParser.load(path: Self.root.appendingPathComponent("examples/menu.yaml").path)
        #expect(MenuValidator.problems(in: menu) == [])
        let rules = try RulesParser.load(path: Self.root.appendingPathComponent("examples/rules.yaml").path)
        let keys = (menu.buttons + menu.conditional.flatMap(\.buttons)).flatMap { [$0] + $0.subButtons }.compactMap { button -> String? in
            guard let type = button.type, ["click", "scancode_push", "scancode_waitmsg"].contains(type) else { return nil }
            return button.fields["key"]
        }
        #expect(!keys.isEmpty)
        for key in keys { #expect(rules.clicks[key] != nil, "no clicks: rule for \(key)") }
        #expect(rules.scans["shop_12"] != nil)
    }
}
