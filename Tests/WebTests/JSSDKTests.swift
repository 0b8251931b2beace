import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOHTTP1
import Shared
import TestSupport
import Testing
import WeChatFake

@testable import Web

/// `GET /jssdk/config`: signatures WeChat accepts, the URL checks behind the usual "invalid signature",
/// CORS for the JS-safe domains only, and one ticket for everyone.
@Suite struct JSSDKTests {
    /// Asks the fake, as the stand-in `jweixin.js` does, whether `config` is valid for the page `url`.
    static func wechatAccepts(_ body: ByteBuffer, pageURL: String, fake: FakeWeChatAPI) async throws -> String {
        let config = try #require(try JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any])
        let check: [String: Any] = [
            "appId": config["appId"] ?? "", "timestamp": config["timestamp"] ?? 0, "nonceStr": config["nonceStr"] ?? "",
            "signature": config["signature"] ?? "", "url": pageURL,
        ]
        var request = HTTPClientRequest(url: fake.baseURL + FakeWeChatAPI.jssdkVerifyPath)
        request.method = .POST
        request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: check)))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(5))
        let answer = try JSONSerialization.jsonObject(with: Data(try await response.body.collect(upTo: 4096).readableBytesView)) as? [String: Any]
        return answer?["errMsg"] as? String ?? ""
    }

    @Test func aConfigForThePageIsAcceptedByWeChatWithoutItsFragment() async throws {
        let harness = try await WebHarness.make()
        let fake = harness.fake
        try await harness.test { client in
            let page = "https://app.example.com/article?id=7&from=singlemessage&isappinstalled=0"
            let url = (page + "#comments").addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
            let response = try await client.execute(uri: "/jssdk/config?url=\(url)", method: .get, headers: [.origin: "https://app.example.com"])
            #expect(response.status == .ok)
            #expect(response.headers[.accessControlAllowOrigin] == "https://app.example.com")
            #expect(try await Self.wechatAccepts(response.body, pageURL: page + "#comments", fake: fake) == "config:ok")
            // The same config on another page (a different query) is refused, as WeChat would.
            #expect(try await Self.wechatAccepts(response.body, pageURL: "https://app.example.com/article?id=8", fake: fake) == "config:invalid signature")
        }
    }

    @Test func escapedAmpersandsOffListOriginsAndMissingURLsGetAClearError() async throws {
        let harness = try await WebHarness.make()
        try await harness.test { client in
            let cases: [(String, String)] = [
                ("https://app.example.com/a?x=1&amp;y=2", "&amp;"),
                ("http://app.example.com/a", "not on WEB_JSSDK_DOMAINS"),
                ("https://evil.example.com/a", "not on WEB_JSSDK_DOMAINS"),
                ("/relative", "absolute"),
            ]
            for (url, message) in cases {
                let encoded = url.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
                let response = try await client.execute(uri: "/jssdk/config?url=\(encoded)", method: .get, headers: [.origin: "https://evil.example.com"])
                #expect(response.status == .badRequest, "\(url)")
                #expect(String(buffer: response.body).contains(message), "\(url): \(String(buffer: response.body))")
                #expect(response.headers[.accessControlAllowOrigin] == nil)
            }
            #expect(try await client.execute(uri: "/jssdk/config", method: .get).status == .badRequest)
        }
    }

    @Test func manySignaturesShareOneTicketFetch() async throws {
        let harness = try await WebHarness.make()
        let fake = harness.fake
        try await harness.test { client in
            try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for index in 0..<20 {
                    group.addTask {
                        try await client.execute(uri: "/jssdk/config?url=https%3A%2F%2Fapp.example.com%2Fp\(index)", method: .get).status
                    }
                }
                for try await status in group { #expect(status == .ok) }
            }
            #expect(fake.ticketFetches == 1)
            #expect(fake.tokensIssued == 1)
        }
    }

    @Test func aTicketFetchWithAStaleAccessTokenRefreshesTheTokenOnce() async throws {
        let harness = try await WebHarness.make()
        let fake = harness.fake
        let tokenKey = QueueKeys(appID: harness.appID).prefix + ":token"
        try await harness.redis.send("SET", RedisArgument(tokenKey), "STALE-TOKEN", "EX", "600")
        try await harness.test { client in
            let response = try await client.execute(uri: "/jssdk/config?url=https%3A%2F%2Fapp.example.com%2F", method: .get)
            #expect(response.status == .ok)
            #expect(fake.calls.filter { $0.path == FakeWeChatAPI.ticketPath }.map(\.errcode) == [40001, 0])
            #expect(fake.tokensIssued == 1)
            #expect(try await harness.redis.send("GET", RedisArgument(tokenKey)).string != "STALE-TOKEN")
        }
    }

    @Test func anExpiredTicketIsFetchedAgainOnlyAfterTheCacheLets() async throws {
        let harness = try await WebHarness.make()
        let fake = harness.fake
        let ticketKey = QueueKeys(appID: harness.appID).prefix + ":ticket:jsapi"
        try await harness.test { client in
            #expect(try await client.execute(uri: "/jssdk/config?url=https%3A%2F%2Fapp.example.com%2F", method: .get).status == .ok)
            let ttl = try await harness.redis.send("PTTL", RedisArgument(ticketKey)).integer ?? 0
            // Cached for 90% of expires_in (7200 s): refreshed ahead of WeChat's expiry.
            #expect(ttl > 6_000_000 && ttl <= 6_480_000)
            #expect(fake.ticketFetches == 1)
        }
    }

    @Test func requestsOverTheRateLimitGet429() async throws {
        let harness = try await WebHarness.make(["WEB_RATE_LIMIT": "3"])
        try await harness.test { client in
            var statuses: [HTTPResponse.Status] = []
            // Eight requests: even if a minute turns midway (the limit counts per minute), two land over it.
            for _ in 0..<8 {
                statuses.append(try await client.execute(uri: "/jssdk/config?url=https%3A%2F%2Fapp.example.com%2F", method: .get).status)
            }
            #expect(statuses.filter { $0 == .tooManyRequests }.count >= 2)
            // Health and metrics are not limited.
            let metrics = try await client.execute(uri: "/metrics", method: .get)
            #expect(String(buffer: metrics.body).contains("wechat_web_rate_limited_total"))
        }
    }

    @Test func theConsolesDomainCheckFileIsServed() async throws {
        let harness = try await WebHarness.make(["WEB_MP_VERIFY": "MP_verify_Ab12Cd34.txt"])
        try await harness.test { client in
            let file = try await client.execute(uri: "/MP_verify_Ab12Cd34.txt", method: .get)
            #expect(file.status == .ok)
            #expect(String(buffer: file.body) == "Ab12Cd34")
            #expect(try await client.execute(uri: "/MP_verify_other.txt", method: .get).status == .notFound)
        }
    }
}
