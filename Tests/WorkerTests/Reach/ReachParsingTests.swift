import Foundation
import Shared
import Testing

@testable import Worker

/// Fallbacks, long-text policies and media as the rules file and the webhook's answer give them.
@Suite struct ReachParsingTests {
    @Test func rulesTakeAFileFallbackAndARuleOwn() throws {
        let rules = try RulesParser.parse(
            """
            fallback:
              template: {id: TPL1, data: {thing1: "{{reply}}", time2: "now"}, url: "https://example.com"}
            long_text: truncate
            keywords:
              - exact: "order"
                reply: "Your order"
                long_text: split
                fallback:
                  subscribe: {id: SUB1, data: {thing1: "Order news"}, page: "https://example.com/o"}
                  template: {id: TPL2, data: {thing1: "x"}, miniprogram: {appid: wxmini, pagepath: "pages/o"}}
            """, file: "rules.yaml")
        #expect(rules.reach.longText == .truncate)
        #expect(rules.reach.fallback?.template?.templateID == "TPL1")
        #expect(rules.reach.fallback?.template?.data == [FallbackField(key: "thing1", value: "{{reply}}"), FallbackField(key: "time2", value: "now")])
        let keyword = try #require(rules.keywords.first)
        #expect(keyword.longText == .split)
        #expect(keyword.fallback?.subscribe?.templateID == "SUB1")
        #expect(keyword.fallback?.template?.miniProgram == MiniProgramTarget(appID: "wxmini", pagePath: "pages/o"))
    }

    @Test func aBadFallbackNamesTheLine() {
        #expect(throws: RulesParseError.self) {
            try RulesParser.parse("fallback:\n  template: {data: {a: b}}\n", file: "r.yaml")
        }
        do {
            _ = try RulesParser.parse("default: echo\nfallback:\n  letter: {id: X}\n", file: "r.yaml")
            Issue.record("accepted an unknown fallback")
        } catch {
            #expect(error.line == 3)
            #expect(error.problem.contains("unknown key 'letter'"))
        }
    }

    @Test func theRulesHandlerGivesTheMatchingRulesFallback() async throws {
        let rules = try RulesParser.parse(
            """
            fallback: {template: {id: ALL, data: {thing1: "{{reply}}"}}}
            keywords:
              - exact: "vip"
                reply: "hello vip"
                fallback: {template: {id: VIP, data: {thing1: "{{reply}}"}}}
            """, file: "r.yaml")
        let handler = RulesHandler(rules: rules)
        let vip = try await handler.answer(try WorkerHarness.text("vip", from: "u", appID: "wx"), reach: .untracked)
        let other = try await handler.answer(try WorkerHarness.text("anything", from: "u", appID: "wx"), reach: .untracked)
        #expect(vip.map(\.fallback?.template?.templateID) == ["VIP"])
        #expect(other.map(\.fallback?.template?.templateID) == ["ALL"])
        #expect(other.map(\.content) == [.text("anything")])
    }

    @Test func theWebhookAnswerCarriesFallbacksPoliciesAndMedia() throws {
        let answer = #"""
            {"fallback":{"template":{"id":"T","data":{"thing1":{"value":"v"}}}},"long_text":"truncate",
             "messages":[{"msgtype":"text","text":{"content":"a"}},
                         {"msgtype":"text","text":{"content":"b"},"long_text":"split","fallback":{"subscribe":{"id":"S","data":{"thing1":"s"}}}},
                         {"msgtype":"image","image":{"base64":"iVBORw0K","ext":"png"}},
                         {"msgtype":"voice","voice":{"url":"http://127.0.0.1:1/v.mp3"}}]}
            """#
        let replies = try WebhookHandler.replies(from: Array(answer.utf8), to: "u")
        #expect(replies.count == 4)
        #expect(replies[0].fallback?.template?.templateID == "T")
        #expect(replies[0].longText == .truncate)
        #expect(replies[1].fallback?.subscribe?.templateID == "S")
        #expect(replies[1].longText == .split)
        #expect(replies[2].upload == MediaUpload(kind: .image, bytes: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A], url: nil, fileExtension: "png"))
        #expect(replies[3].upload?.url == "http://127.0.0.1:1/v.mp3")
        #expect(throws: HandlerError.self) { try WebhookHandler.replies(from: Array(#"{"messages":[],"long_text":"fold"}"#.utf8), to: "u") }
    }

    @Test func aTemplateBodyHasAStableClientMessageID() throws {
        let template = TemplateMessage(templateID: "T", data: [FallbackField(key: "thing1", value: "re: {{reply}}")], url: "https://x", miniProgram: nil)
        let id = TemplateMessage.clientMessageID(dedupKey: "m:1:u:2", index: 3)
        #expect(id == TemplateMessage.clientMessageID(dedupKey: "m:1:u:2", index: 3))
        #expect(id != TemplateMessage.clientMessageID(dedupKey: "m:1:u:2", index: 4))
        #expect(id.count == 32)
        let body = try JSONDecoder().decode(JSONValue.self, from: Data(template.body(toUser: "u", clientMessageID: id, replyText: "hi")))
        #expect(body.object?["client_msg_id"]?.string == id)
        #expect(body.object?["data"]?.object?["thing1"]?.object?["value"]?.string == "re: hi")
        #expect(body.object?["url"]?.string == "https://x")
    }
}
