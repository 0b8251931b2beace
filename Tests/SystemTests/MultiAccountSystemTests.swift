import Foundation
import Shared
import Synchronization
import TestSupport
import Testing
import WeChatFake

/// Two accounts, one ingress process and two worker processes, sharing one Redis.
@Suite(.serialized) struct MultiAccountSystemTests {
    static let shop = "wxsystemshop"
    static let shopSecret = "shop-secret"
    static let shopToken = "shoptoken"

    static func accountsFile() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("system-accounts-\(UInt64.random(in: 0...UInt64.max)).yaml").path
        try """
        accounts:
          - appid: \(shop)
            name: shop
            original_id: gh_shop
            token: \(shopToken)
            secret_env: SHOP_SECRET
        """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Text messages to the shop (its gh_ id as `ToUserName`).
    static func shopMessages(_ count: Int, tag: String) -> [SimulatedMessage] {
        (0..<count).map { SimulatedMessage(from: "shopuser\($0 % 4)", to: "gh_shop", kind: .text("\(tag) \($0)")) }
    }

    @Test func eachAccountIsAnsweredWithItsOwnTokenAndAPushPostedToTheWrongURLIsRefused() async throws {
        let file = try Self.accountsFile()
        defer { try? FileManager.default.removeItem(atPath: file) }
        let system = try await SystemFixture(
            worker: ["WECHAT_ACCOUNTS": file, "SHOP_SECRET": Self.shopSecret], ingress: ["WECHAT_ACCOUNTS": file], apps: [Self.shop: Self.shopSecret])
        try await system.startWorkers(2)
        let shopPusher = try WeChatPusher(endpoint: system.endpoint + "/\(Self.shop)", token: Self.shopToken, appID: Self.shop)

        let main = SystemFixture.textMessages(20, tag: "main", users: 4)
        let shop = Self.shopMessages(20, tag: "shop")
        let mainResults = try await system.push(main)
        let shopResults = try await system.send(try shop.map { try shopPusher.request(for: $0) })
        #expect(mainResults.allSatisfy { $0.status == 200 })
        #expect(shopResults.allSatisfy { $0.status == 200 })
        #expect(await system.expectRepliedOnce(main + shop) == 0)

        // Each reply went out with the token of the account the message came to.
        let sends = system.fake.calls.filter(\.isDeliveredMessage)
        for call in sends {
            guard case .text(let text) = call.message?.content else { continue }
            #expect(call.appID == (text.hasPrefix("shop") ? Self.shop : SystemFixture.appID), "\(text) sent as \(call.appID ?? "?")")
        }

        // Signed with the shop's Token and addressed to the shop, but posted to the other account's URL.
        let wrongURL = try WeChatPusher(endpoint: system.endpoint, token: Self.shopToken, appID: Self.shop)
        let refused = try await system.send([try wrongURL.request(for: Self.shopMessages(1, tag: "stray")[0])])
        #expect(refused.map(\.status) == [403])
        // The shop's URL and Token, but another account's gh_ id.
        let foreign = SimulatedMessage(from: "shopuser0", to: "gh_someone_else", kind: .text("foreign"))
        let refusedToo = try await system.send([try shopPusher.request(for: foreign)])
        #expect(refusedToo.map(\.status) == [403])

        // The main account's token expires: it is refreshed, and the shop's is not touched.
        let shopTokensBefore = system.tokenCalls(appID: Self.shop)
        system.fake.expireTokens(appID: SystemFixture.appID)
        let after = SystemFixture.textMessages(4, tag: "after", users: 2)
        let shopAfter = Self.shopMessages(4, tag: "shopafter")
        _ = try await system.push(after)
        _ = try await system.send(try shopAfter.map { try shopPusher.request(for: $0) })
        #expect(await system.expectRepliedOnce(after + shopAfter) == 0)
        #expect(system.tokenCalls(appID: Self.shop) == shopTokensBefore)
        #expect(system.replyCounts()["stray 0"] == nil)
        #expect(system.replyCounts()["foreign"] == nil)
    }
}

extension SystemFixture {
    /// Successful token calls the fake answered for `appID`.
    func tokenCalls(appID: String) -> Int {
        fake.calls.filter { ($0.path == "/cgi-bin/stable_token" || $0.path == "/cgi-bin/token") && $0.errcode == 0 && $0.appID == appID }.count
    }
}
