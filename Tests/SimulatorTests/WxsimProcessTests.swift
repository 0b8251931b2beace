import Foundation
import TestSupport
import Testing

/// `wxsim` as a newcomer uses it: the built executables (`wxsim api`, `ingress`, `worker`) as child
/// processes, and `wxsim send`, `chat` and `load` run to their end against them.
@Suite(.serialized) struct WxsimProcessTests {
    @Test func sendWaitsForTheReplyAndTheAPIPrintsItAsAChatLine() async throws {
        let stack = try await DemoStack()
        let sent = try await stack.wxsim("send", ["--from", "o_newcomer", "--wait", "30", "hello 你好"])
        #expect(sent.status == 0, "\(sent.output)")
        #expect(sent.output.contains("→ safe push from o_newcomer, delivery 1: HTTP 200 success"))
        #expect(sent.output.contains("← o_newcomer  hello 你好"))
        #expect(await stack.api.waitForLog(containing: "← o_newcomer  hello 你好"))
    }

    /// An unverified account in passive mode: the reply is in the ingress's answer, decrypted and printed;
    /// customer service (48001 at `wxsim api --unverified`) is never tried.
    @Test func sendAndChatPrintThePassiveReplyOfAnUnverifiedAccount() async throws {
        let stack = try await DemoStack(environment: ["WECHAT_REPLY_MODE": "passive"], unverified: true)
        let sent = try await stack.wxsim("send", ["--from", "o_passive", "hello passive"])
        #expect(sent.status == 0, "\(sent.output)")
        #expect(sent.output.contains("bot (passive, encrypted): hello passive"), "\(sent.output)")
        let chat = try await stack.wxsim("chat", ["--from", "o_passive_chat", "--no-subscribe"], input: "how are you\n")
        #expect(chat.output.contains("bot (passive, encrypted): how are you"), "\(chat.output)")
        #expect(!stack.api.log.contains("48001"), "\(stack.api.log)")
    }

    @Test func chatEchoesEachTypedLineAndEndsOnEndOfInput() async throws {
        let stack = try await DemoStack()
        let chat = try await stack.wxsim("chat", ["--from", "o_chatter"], input: "how are you\n/image MEDIA_7\n")
        #expect(chat.status == 0, "\(chat.output)")
        #expect(chat.output.contains("bot: Welcome!"))
        #expect(chat.output.contains("bot: how are you"))
        #expect(chat.output.contains("bot: [image MEDIA_7]"))
        #expect(chat.output.contains("wxsim chat: bye"))
    }

    @Test func retriesOfOnePushGetOneReply() async throws {
        let stack = try await DemoStack()
        let sent = try await stack.wxsim("send", ["--from", "o_retry", "--retries", "3", "--wait", "30", "only once"])
        #expect(sent.status == 0, "\(sent.output)")
        #expect(sent.output.components(separatedBy: "HTTP 200").count - 1 == 3)
        // Let any doubled reply arrive before counting.
        try await Task.sleep(for: .seconds(1))
        #expect(await stack.api.stopGracefully() == 0)
        #expect(stack.api.log.components(separatedBy: "← o_retry  only once").count - 1 == 1)
    }

    @Test func aRejectedUserShowsTheErrcodeAndSendFails() async throws {
        let stack = try await DemoStack(apiArguments: ["--reject-openid", "o_blocked:45015"])
        let sent = try await stack.wxsim("send", ["--from", "o_blocked", "--wait", "5", "anyone there?"])
        #expect(sent.status == 1)
        #expect(sent.output.contains("✗ o_blocked  errcode 45015"))
        #expect(sent.output.contains("no reply for o_blocked"))
    }

    @Test func loadCountsEveryReplyOnceAndWritesItsReport() async throws {
        let stack = try await DemoStack()
        let report = FileManager.default.temporaryDirectory.appendingPathComponent("load-\(UInt64.random(in: 0...UInt64.max)).json")
        defer { try? FileManager.default.removeItem(at: report) }
        let load = try await stack.wxsim("load", ["--rate", "0", "--count", "60", "--users", "7", "--json", report.path])
        #expect(load.status == 0, "\(load.output)")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: report)) as? [String: Any]
        #expect(json?["accepted"] as? Int == 60)
        #expect(json?["replied"] as? Int == 60)
        #expect(json?["duplicates"] as? Int == 0)
        #expect(json?["missing"] as? Int == 0)
        #expect(load.output.contains("replies: 60 of 60 (0 missing, 0 duplicate)"))
    }

    @Test func badFlagsAndUnreachableServersGetOneClearLine() async throws {
        let badReject = try await ExecutableRun.run("wxsim", ["api", "--reject-openid", "nocolon"])
        #expect(badReject.status != 0)
        #expect(badReject.output.contains("--reject-openid must be OPENID:ERRCODE"))
        let nothingToSay = try await ExecutableRun.run("wxsim", ["send"])
        #expect(nothingToSay.status != 0)
        #expect(nothingToSay.output.contains("say something"))
        let closed = try Loopback.freePort()
        let unreachable = try await ExecutableRun.run("wxsim", ["send", "--to", "http://127.0.0.1:\(closed)/wechat", "hi"])
        #expect(unreachable.status == 1)
        #expect(unreachable.output.split(separator: "\n").count == 1, "\(unreachable.output)")
        let probe = try await ExecutableRun.run("wxsim", ["probe", "http://127.0.0.1:\(closed)/healthz"])
        #expect(probe.status == 1)
        #expect(probe.output.hasPrefix("probe: http://127.0.0.1:\(closed)/healthz"))
    }
}

extension ServiceProcess {
    /// True once the process has printed `text` (within `seconds`).
    func waitForLog(containing text: String, seconds: Int = 10) async -> Bool {
        for _ in 0..<(seconds * 10) {
            if log.contains(text) { return true }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return log.contains(text)
    }

    /// SIGTERM, waited for off the cooperative pool; the exit status.
    func stopGracefully() async -> Int32 {
        (try? await offThePool { self.stop(signal: SIGTERM) }) ?? -1
    }
}
