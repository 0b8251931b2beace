import ArgumentParser
import Foundation
import Shared
import Testing
import WeChatFake

@testable import Simulator

/// `wxsim --account`: which account a simulated user writes to, the URL its pushes go to, and the keys
/// and `ToUserName` they carry (the ingress refuses a push whose `ToUserName` is not the account's gh_ id).
@Suite struct AccountOptionsTests {
    /// The outer fields of a push body (in safe mode: `ToUserName` and `Encrypt`).
    static func outer(_ request: PushRequest) throws -> [String: String] {
        Dictionary(try WeChatXML.parse(Array(request.body.utf8)).map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
    }

    /// The query of a push URL as a dictionary.
    static func query(_ url: String) -> [String: String] {
        WeChatPusherTests.query(url)
    }

    @Test func theDemoAccountsAreDistinctAndTheirKeysWork() throws {
        #expect(DemoAccount.all.map(\.name) == ["demo", "shop", "blog"])
        #expect(Set(DemoAccount.all.map(\.appID)).count == 3)
        #expect(Set(DemoAccount.all.map(\.token)).count == 3)
        #expect(Set(DemoAccount.all.map(\.secret)).count == 3)
        #expect(Set(DemoAccount.all.map(\.originalID)).count == 3)
        #expect(DemoAccount.all.allSatisfy { $0.originalID.hasPrefix("gh_") })
        for account in DemoAccount.all {
            if let key = account.aesKey { _ = try EncodingAESKey(key) }
        }
        #expect(DemoAccount.all.filter { !$0.verified }.map(\.name) == ["blog"])
        #expect(DemoAccount.unverifiedAppIDs == [DemoAccount.blog.appID])
        #expect(DemoAccount.blog.aesKey == nil)
        #expect(DemoAccount.named("shop") == .shop)
        #expect(DemoAccount.named("wxdemo0000000002") == .blog)
        #expect(DemoAccount.named("nobody") == nil)
        // The earlier names still mean the default account.
        #expect(DemoAccount.appID == DemoAccount.demo.appID && DemoAccount.originalID == "gh_wxsim_demo")
    }

    @Test func anAccountByNameIsPushedToItsRouteWithItsKeysAndOriginalID() throws {
        let pusher = try AccountOptions.parse(["--account", "shop"]).pusher(environment: [:])
        #expect(pusher.endpoint == "http://127.0.0.1:8080/wechat/wxdemo0000000001")
        #expect(pusher.mode == .safe)
        #expect(pusher.originalID == "gh_wxsim_shop")
        let message = pusher.message(from: "o_buyer", kind: .text("price?"))
        let request = try pusher.request(for: message, timestamp: 1_714_036_504, nonce: "5")
        #expect(request.url.hasPrefix("http://127.0.0.1:8080/wechat/wxdemo0000000001?"))
        let query = Self.query(request.url)
        #expect(WeChatSignature.isValid(signature: query["signature"] ?? "", token: "shop-token", timestamp: "1714036504", nonce: "5"))
        #expect(try Self.outer(request)["ToUserName"] == "gh_wxsim_shop")
        // Opened with the shop's own key and AppID, the inner message is addressed to the shop too.
        let crypto = try WeChatMessageCrypto(appID: DemoAccount.shop.appID, encodingAESKey: try #require(DemoAccount.shop.aesKey))
        let opened = try crypto.openRequest(
            body: Array(request.body.utf8), token: "shop-token", timestamp: "1714036504", nonce: "5", msgSignature: query["msg_signature"] ?? "")
        let inner = try InboundMessage(xml: opened.message)
        #expect(inner.toUserName == "gh_wxsim_shop")
        #expect(inner.fromUserName == "o_buyer")
    }

    @Test func anAccountByAppIDInPlaintextMode() throws {
        let pusher = try AccountOptions.parse(["--account", "wxdemo0000000002", "--to", "http://127.0.0.1:18080/wechat/"]).pusher(environment: [:])
        #expect(pusher.endpoint == "http://127.0.0.1:18080/wechat/wxdemo0000000002")
        #expect(pusher.mode == .plaintext)
        let request = try pusher.request(for: pusher.message(from: "o_reader", kind: .text("hi")), timestamp: 1_714_036_504, nonce: "6")
        #expect(Self.query(request.url)["encrypt_type"] == nil)
        #expect(try InboundMessage(xml: Array(request.body.utf8)).toUserName == "gh_wxsim_blog")
        // Safe mode needs a key the blog account does not have.
        #expect(throws: (any Error).self) { try AccountOptions.parse(["--account", "blog", "--mode", "safe"]).pusher(environment: [:]) }
    }

    @Test func theRouteIsAddedToTheBaseOnce() {
        #expect(AccountOptions.endpoint(base: "http://127.0.0.1:8080/wechat", appID: "wx1") == "http://127.0.0.1:8080/wechat/wx1")
        #expect(AccountOptions.endpoint(base: "https://relay.example.com/wechat//", appID: "wx1") == "https://relay.example.com/wechat/wx1")
        #expect(AccountOptions.endpoint(base: "http://h/wechat/wx1", appID: "wx1") == "http://h/wechat/wx1")
        #expect(AccountOptions.endpoint(base: "http://h/wechat/wx1/", appID: "wx1") == "http://h/wechat/wx1")
        #expect(AccountOptions.endpoint(base: "http://h/wechat/wx12", appID: "wx1") == "http://h/wechat/wx12/wx1")
        #expect(AccountOptions.endpoint(base: "http://h/wechat?x=1", appID: "wx1") == "http://h/wechat/wx1?x=1")
    }

    @Test func withoutAccountTheSingleAccountIsAsBefore() throws {
        let demo = try AccountOptions.parse([]).pusher(environment: [:])
        #expect(demo.endpoint == "http://127.0.0.1:8080/wechat")
        #expect(demo.mode == .safe)
        #expect(demo.originalID == "gh_wxsim_demo")
        #expect(try MessageOptions.parse(["hi"]).message(to: demo.originalID).to == "gh_wxsim_demo")
        // The single account's variables, the flags over them.
        let environment = ["WECHAT_APPID": "wxreal", "WECHAT_TOKEN": "real-token", "WECHAT_ORIGINAL_ID": "gh_real"]
        let real = try AccountOptions.parse([]).pusher(environment: environment)
        #expect(real.mode == .plaintext)
        #expect(real.token == "real-token")
        #expect(real.originalID == "gh_real")
        let flagged = try AccountOptions.parse(["--original-id", "gh_flag", "--token", "flag-token"]).pusher(environment: environment)
        #expect(flagged.originalID == "gh_flag" && flagged.token == "flag-token")
    }

    @Test func accountAndItsOwnValuesAreNotMixed() {
        #expect(throws: (any Error).self) { try AccountOptions.parse(["--account", "shop", "--token", "t"]) }
        #expect(throws: (any Error).self) { try AccountOptions.parse(["--account", "shop", "--original-id", "gh_x"]) }
        #expect(throws: (any Error).self) { try AccountOptions.parse(["--accounts", "accounts.yaml"]) }
        #expect(throws: SimulatorError.self) { try AccountOptions.parse(["--account", "nobody"]).pusher(environment: [:]) }
    }

    /// examples/accounts.yaml, which `make run` serves.
    static let examplesFile = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("examples/accounts.yaml").path

    /// A file of `text` in the temporary folder, removed by the caller.
    static func temporaryFile(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("accounts-\(UInt64.random(in: 0...UInt64.max)).yaml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func theExampleAccountsFileHoldsTheDemoAccounts() throws {
        let secrets = ["SHOP_APPSECRET": DemoAccount.shop.secret, "BLOG_APPSECRET": DemoAccount.blog.secret, "DEMO_APPSECRET": DemoAccount.demo.secret]
        let text = try String(contentsOfFile: Self.examplesFile, encoding: .utf8)
        let served = try AccountsFile.parse(text, file: Self.examplesFile, role: .worker, environment: secrets)
        // The demo account is make run's WECHAT_* account: in the file only as a comment, which uncommented is valid.
        var lines: [String] = []
        var inDemo = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("  # - appid: \(DemoAccount.demo.appID)") { inDemo = true }
            if inDemo, line.isEmpty { inDemo = false }
            lines.append(inDemo ? "  " + line.dropFirst(4) : String(line))
        }
        let uncommented = try AccountsFile.parse(lines.joined(separator: "\n"), file: "uncommented", role: .worker, environment: secrets)
        #expect(uncommented.map(\.appID) == DemoAccount.all.map(\.appID))
        #expect(served.map(\.appID) == [DemoAccount.shop.appID, DemoAccount.blog.appID])
        for (entry, demo) in zip(uncommented, DemoAccount.all) {
            #expect(entry.name == demo.name)
            #expect(entry.originalID == demo.originalID)
            #expect(entry.token == demo.token)
            #expect(entry.aesKey == demo.aesKey)
            #expect(entry.secret == demo.secret)
            #expect(entry.replyMode == (demo.verified ? .async : .passive))
        }
    }

    @Test func anAccountOfTheFileIsResolvedAsTheIngressResolvesIt() throws {
        let file = try Self.temporaryFile(
            """
            accounts:
              - appid: wxfile0000000001
                name: news
                original_id: gh_news
                token_env: NEWS_TOKEN
                aes_key: \(try #require(DemoAccount.shop.aesKey))
                secret_env: NEWS_SECRET
              - appid: wxfile0000000002
                token: plain-token
            """)
        defer { try? FileManager.default.removeItem(atPath: file) }
        // No AppSecret needed to push, as for the ingress; the token from its variable.
        let news = try AccountOptions.parse(["--accounts", file, "--account", "news"]).pusher(environment: ["NEWS_TOKEN": "news-token"])
        #expect(news.endpoint == "http://127.0.0.1:8080/wechat/wxfile0000000001")
        #expect(news.token == "news-token")
        #expect(news.mode == .safe)
        #expect(news.originalID == "gh_news")
        // WECHAT_ACCOUNTS when there is no --accounts; an entry without original_id gets a placeholder.
        let plain = try AccountOptions.parse(["--account", "wxfile0000000002"]).pusher(environment: ["WECHAT_ACCOUNTS": file, "NEWS_TOKEN": "t"])
        #expect(plain.mode == .plaintext)
        #expect(plain.token == "plain-token")
        #expect(plain.originalID == AccountOptions.unknownOriginalID)
        // With a file, the demo accounts are not looked at; the file's problems are the ingress's.
        #expect(throws: SimulatorError.self) { try AccountOptions.parse(["--accounts", file, "--account", "shop"]).pusher(environment: ["NEWS_TOKEN": "t"]) }
        #expect(throws: ConfigurationError.self) { try AccountOptions.parse(["--accounts", file, "--account", "news"]).pusher(environment: [:]) }
        #expect(throws: ConfigurationError.self) {
            try AccountOptions.parse(["--accounts", file + ".missing", "--account", "news"]).pusher(environment: [:])
        }
    }
}
