import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Shared
import TestSupport
import Testing
import WeChatFake

@testable import Ingress

/// One ingress serving the `WECHAT_*` account and two more from an accounts file.
@Suite struct MultiAccountIngressTests {
    static let shopToken = "shop-token"
    static let blogToken = "blog-token"
    static let blogKey = "DemoDemoDemoDemoDemoDemoDemoDemoDemoDemo12E"

    /// The harness with an accounts file of two accounts (`wxshop…` plaintext, `wxblog…` safe mode).
    struct Fixture {
        let harness: IngressHarness
        let shop: String
        let blog: String
        let file: String

        init(shareToken: Bool = false) async throws {
            let suffix = UInt32.random(in: 0...UInt32.max)
            shop = "wxshop\(suffix)"
            blog = "wxblog\(suffix)"
            file = FileManager.default.temporaryDirectory.appendingPathComponent("accounts-\(suffix).yaml").path
            try Self.write(file, shop: shop, blog: blog, blogToken: shareToken ? MultiAccountIngressTests.shopToken : MultiAccountIngressTests.blogToken)
            harness = try await IngressHarness(extra: ["WECHAT_ACCOUNTS": file])
        }

        static func write(_ file: String, shop: String, blog: String, blogToken: String, extra: String = "") throws {
            try """
            accounts:
              - appid: \(shop)
                name: shop
                original_id: gh_shop
                token: \(MultiAccountIngressTests.shopToken)
              - appid: \(blog)
                name: blog
                original_id: gh_blog
                token: \(blogToken)
                aes_key: \(MultiAccountIngressTests.blogKey)
            \(extra)
            """.write(toFile: file, atomically: true, encoding: .utf8)
        }

        func close() {
            harness.close()
            try? FileManager.default.removeItem(atPath: file)
        }

        func entries(_ appID: String) async throws -> [QueuedEntry] {
            try await QueueContents.entries(redis: harness.redis, keys: QueueKeys(appID: appID))
        }
    }

    static func query(token: String, nonce: String = String(UInt32.random(in: 0...UInt32.max))) -> String {
        let timestamp = String(Int64(Date().timeIntervalSince1970))
        let signature = WeChatSignature.urlSignature(token: token, timestamp: timestamp, nonce: nonce)
        return "signature=\(signature)&timestamp=\(timestamp)&nonce=\(nonce)&openid=oUser"
    }

    static func text(to originalID: String, id: Int64, from user: String = "oUser1") -> String {
        IngressHarness.textMessage(id: id, from: user).replacingOccurrences(of: "gh_test", with: originalID)
    }

    @Test func eachAccountsPushesGoToItsOwnQueue() async throws {
        let fixture = try await Fixture()
        defer { fixture.close() }
        try await fixture.harness.components.application().test(.router) { client in
            try await client.execute(
                uri: "/wechat/\(fixture.shop)?\(Self.query(token: Self.shopToken))", method: .post, body: ByteBuffer(string: Self.text(to: "gh_shop", id: 1))
            ) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == "success")
            }
            // Safe mode for the blog: the pusher encrypts with the blog's key and appid.
            let pusher = try WeChatPusher(endpoint: "http://unused/wechat/\(fixture.blog)", token: Self.blogToken, appID: fixture.blog, encodingAESKey: Self.blogKey, mode: .safe)
            let request = try pusher.request(for: SimulatedMessage(from: "oUser1", to: "gh_blog", kind: .text("hi"), msgID: 2))
            try await client.execute(uri: String(request.url.dropFirst("http://unused".count)), method: .post, body: ByteBuffer(string: request.body)) { response in
                #expect(response.status == .ok)
            }
            // The WECHAT_* account still answers at the bare path.
            try await client.execute(uri: "/wechat?\(IngressHarness.signedQuery())", method: .post, body: ByteBuffer(string: IngressHarness.textMessage(id: 3))) { response in
                #expect(response.status == .ok)
            }
        }
        let shop = try await fixture.entries(fixture.shop)
        let blog = try await fixture.entries(fixture.blog)
        let single = try await fixture.harness.queuedEntries()
        #expect(shop.compactMap(\.envelope).map(\.appID) == [fixture.shop])
        #expect(blog.compactMap(\.envelope).map(\.appID) == [fixture.blog])
        #expect(blog.first?.envelope?.message["MsgId"] == "2")
        #expect(single.compactMap(\.envelope).map(\.appID) == [fixture.harness.appID])
    }

    @Test func aPushForOneAccountPostedToAnothersURLIsRefused() async throws {
        // The two accounts share a Token: only the ToUserName check can tell their pushes apart.
        let fixture = try await Fixture(shareToken: true)
        defer { fixture.close() }
        try await fixture.harness.components.application().test(.router) { client in
            // Signed correctly, but ToUserName is the blog's gh_ id and the URL the shop's.
            try await client.execute(
                uri: "/wechat/\(fixture.shop)?\(Self.query(token: Self.shopToken))", method: .post, body: ByteBuffer(string: Self.text(to: "gh_blog", id: 10))
            ) { response in
                #expect(response.status == .forbidden)
                #expect(String(buffer: response.body).contains("not for this account"))
            }
            // The blog's own Token on the shop's URL with a different Token: a bad signature.
            let fixtureTokens = try await Fixture()
            defer { fixtureTokens.close() }
            try await fixtureTokens.harness.components.application().test(.router) { other in
                try await other.execute(
                    uri: "/wechat/\(fixtureTokens.shop)?\(Self.query(token: Self.blogToken))", method: .post, body: ByteBuffer(string: Self.text(to: "gh_shop", id: 11))
                ) { response in
                    #expect(response.status == .forbidden)
                    #expect(String(buffer: response.body).contains("bad signature"))
                }
            }
            try await client.execute(
                uri: "/wechat/wxnobody?\(Self.query(token: Self.shopToken))", method: .post, body: ByteBuffer(string: Self.text(to: "gh_shop", id: 12))
            ) { response in
                #expect(response.status == .notFound)
            }
        }
        #expect(try await fixture.entries(fixture.blog).isEmpty)
        #expect(try await fixture.entries(fixture.shop).isEmpty)
        let metrics = String(decoding: fixture.harness.components.metrics.render(), as: UTF8.self)
        #expect(metrics.contains(#"wechat_ingress_requests_total{outcome="wrong_account"} 1"#))
        #expect(metrics.contains(#"wechat_ingress_requests_total{outcome="unknown_account"} 1"#))
    }

    @Test func verificationUsesTheAccountsToken() async throws {
        let fixture = try await Fixture()
        defer { fixture.close() }
        try await fixture.harness.components.application().test(.router) { client in
            try await client.execute(uri: "/wechat/\(fixture.shop)?\(Self.query(token: Self.shopToken))&echostr=hello", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == "hello")
            }
            try await client.execute(uri: "/wechat/\(fixture.blog)?\(Self.query(token: Self.shopToken))&echostr=hello", method: .get) { response in
                #expect(response.status == .forbidden)
            }
        }
    }

    @Test func sighupReloadAddsAccountsAndABrokenFileKeepsTheOldOnes() async throws {
        let fixture = try await Fixture()
        defer { fixture.close() }
        let newcomer = "wxnew\(UInt32.random(in: 0...UInt32.max))"
        let service = AccountsReloadService(accounts: fixture.harness.components.accounts, logger: Logger(label: "test"))
        var environment = ["WECHAT_TOKEN": IngressHarness.token, "WECHAT_APPID": fixture.harness.appID, "WECHAT_ACCOUNTS": fixture.file]
        try Fixture.write(fixture.file, shop: fixture.shop, blog: fixture.blog, blogToken: Self.blogToken, extra: "  - appid: \(newcomer)\n    token: new-token\n")
        service.reload(environment: environment)
        #expect(fixture.harness.components.accounts.account(appID: newcomer) != nil)

        try "accounts:\n  - appid: [broken\n".write(toFile: fixture.file, atomically: true, encoding: .utf8)
        service.reload(environment: environment)
        #expect(fixture.harness.components.accounts.account(appID: newcomer) != nil)
        #expect(fixture.harness.components.accounts.account(appID: fixture.shop) != nil)

        environment["WECHAT_ACCOUNTS"] = nil
        service.reload(environment: environment)
        #expect(fixture.harness.components.accounts.account(appID: fixture.shop) == nil)
        #expect(fixture.harness.components.accounts.single?.account.appID == fixture.harness.appID)
    }

    @Test func theBarePathNeedsASingleAccount() async throws {
        let suffix = UInt32.random(in: 0...UInt32.max)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("accounts-\(suffix).yaml").path
        try Fixture.write(file, shop: "wxa\(suffix)", blog: "wxb\(suffix)", blogToken: Self.blogToken)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let environment = ["WECHAT_ACCOUNTS": file, "INGRESS_SPOOL_DIR": FileManager.default.temporaryDirectory.appendingPathComponent("spool-\(suffix)").path]
        let configuration = try RelayConfiguration(role: .ingress, environment: environment)
        let settings = try IngressSettings(environment: environment)
        let redis = RedisClient(configuration: RedisClientConfiguration(url: try TestRedis.url()), logger: Logger(label: "test"))
        defer { redis.close() }
        let accounts = try IngressAccounts(configuration: configuration, settings: settings, redis: redis)
        #expect(accounts.single == nil)
        #expect(accounts.all.count == 2)
    }

    @Test func theBacklogGaugeShowsTheFullestAccount() async throws {
        let fixture = try await Fixture()
        defer { fixture.close() }
        try await fixture.harness.components.application().test(.router) { client in
            for id in 1...3 {
                try await client.execute(
                    uri: "/wechat/\(fixture.shop)?\(Self.query(token: Self.shopToken))", method: .post, body: ByteBuffer(string: Self.text(to: "gh_shop", id: Int64(id), from: "u\(id)"))
                ) { #expect($0.status == .ok) }
            }
        }
        var monitor = fixture.harness.components.backgroundServices.monitor
        monitor.interval = .milliseconds(20)
        let running = Task { [monitor] in try await monitor.run() }
        defer { running.cancel() }
        // The single account's queue is empty; the shop's holds 3: the gauge shows 3.
        let shown = await eventually(seconds: 30) {
            String(decoding: fixture.harness.components.metrics.render(), as: UTF8.self).contains("wechat_ingress_stream_length 3")
        }
        #expect(shown)
    }

    @Test func theSpoolReplaysEachMessageIntoItsAccountsQueue() {
        func message(_ appID: String?, _ key: String) -> QueuedMessage {
            QueuedMessage(dedupKey: key, receivedAtMillis: 1, envelopeVersion: 1, body: [], user: "u", createTime: 1, appID: appID)
        }
        let groups = SpoolDrainer.byAccount([message("a", "1"), message("b", "2"), message("a", "3"), message(nil, "4")])
        #expect(groups.map(\.0) == ["a", "b", nil])
        #expect(groups[0].1.map(\.dedupKey) == ["1", "3"])
    }
}
