import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JWTKit
import NIOHTTP1
import Shared
import TestSupport
import Testing
import WeChatFake

@testable import Web

/// Web-page OAuth through the service's router against the fake WeChat: the redirect to the authorize
/// page, the one-use state, one exchange per code however often the callback comes, the hand-off.
@Suite struct OAuthFlowTests {
    /// Follows `/oauth/start`'s redirect to the fake's authorize page (as the browser would) and returns
    /// the callback query it redirects back with.
    static func consent(_ start: TestResponse, fake: FakeWeChatAPI, extra: String = "") async throws -> (code: String?, state: String) {
        let location = try #require(start.headers[.location])
        #expect(location.hasSuffix("#wechat_redirect"))
        let page = String(location.split(separator: "#")[0]) + extra
        var request = HTTPClientRequest(url: page)
        request.method = .GET
        let response = try await Self.noRedirects.execute(request, timeout: .seconds(10))
        #expect(response.status.code == 302)
        let back = try #require(response.headers.first(name: "Location"))
        #expect(back.hasPrefix("\(WebHarness.publicURL)/oauth/callback?"))
        let items = URLComponents(string: back)?.queryItems ?? []
        return (items.first { $0.name == "code" }?.value, try #require(items.first { $0.name == "state" }?.value))
    }

    static let noRedirects: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    @Test func startRedirectsToTheAuthorizePageWithAOneUseState() async throws {
        let harness = try await WebHarness.make()
        try await harness.test { client in
            let response = try await client.execute(uri: "/oauth/start?scope=userinfo&return=%2Fdemo", method: .get)
            #expect(response.status == .found)
            let (state, location) = try WebHarness.authorizeRedirect(response)
            #expect(location.path == "/connect/oauth2/authorize")
            let items = Dictionary(uniqueKeysWithValues: (location.queryItems ?? []).map { ($0.name, $0.value ?? "") })
            #expect(items["appid"] == harness.appID)
            #expect(items["redirect_uri"] == "\(WebHarness.publicURL)/oauth/callback")
            #expect(items["scope"] == "snsapi_userinfo")
            #expect(items["response_type"] == "code")
            #expect(RandomToken.isWellFormed(state) && state.count == 32)
            // The state is kept server-side with the return URL, for ten minutes.
            let ttl = try await harness.redis.send("TTL", RedisArgument(WebKeys(appID: harness.appID).state(state))).integer ?? 0
            #expect(ttl > 590 && ttl <= 600)
        }
    }

    @Test(arguments: [
        "https://evil.example.com/", "//evil.example.com/x", "https://app.example.com.evil.com/shop", "https://app.example.com/shopping",
        "http://app.example.com/shop", "https://app.example.com@evil.example.com/shop", "https://app.example.com\\@evil.example.com/shop",
        "javascript:alert(1)", "https://app.example.com:8443/shop",
    ])
    func returnURLsOffTheAllowListAreRefused(returnURL: String) async throws {
        let harness = try await WebHarness.make()
        try await harness.test { client in
            let encoded = returnURL.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
            let response = try await client.execute(uri: "/oauth/start?return=\(encoded)", method: .get)
            #expect(response.status == .badRequest)
            #expect(response.headers[.location] == nil)
            #expect(String(buffer: response.body).contains("not one this service may send you to"))
        }
    }

    @Test(arguments: ["https://app.example.com/shop", "https://app.example.com/shop/cart?item=1", "/demo?x=1", "http://web.test:8081/other"])
    func returnURLsOnTheAllowListAreAccepted(returnURL: String) async throws {
        let harness = try await WebHarness.make()
        try await harness.test { client in
            let encoded = returnURL.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
            let response = try await client.execute(uri: "/oauth/start?return=\(encoded)", method: .get)
            #expect(response.status == .found)
        }
    }

    @Test func aSignInHandsTheSessionOverByCookieAndOneTimeTicket() async throws {
        let harness = try await WebHarness.make()
        let fake = harness.fake
        try await harness.test { client in
            let start = try await client.execute(uri: "/oauth/start?return=https%3A%2F%2Fapp.example.com%2Fshop%2Fcart%3Fitem%3D1", method: .get)
            let (code, state) = try await Self.consent(start, fake: fake)
            let callback = try await client.execute(uri: "/oauth/callback?code=\(try #require(code))&state=\(state)", method: .get)
            #expect(callback.status == .found)
            let (location, ticket, cookie) = try WebHarness.handOff(callback)
            #expect(location.hasPrefix("https://app.example.com/shop/cart?item=1&wx_ticket="))

            let me = try await client.execute(uri: "/oauth/me", method: .get, headers: [.cookie: cookie])
            #expect(me.status == .ok)
            let identity = try JSONSerialization.jsonObject(with: Data(me.body.readableBytesView)) as? [String: Any]
            #expect(identity?["openid"] as? String == FakeWeChatAPI.defaultWebUser)
            #expect(identity?["scope"] as? String == "base")

            // The team's server swaps the ticket for the JWT once, and verifies it with the shared secret.
            let redeemed = try await client.execute(uri: "/oauth/redeem", method: .post, body: ByteBuffer(string: #"{"ticket":"\#(ticket)"}"#))
            #expect(redeemed.status == .ok)
            let answer = try #require(try JSONSerialization.jsonObject(with: Data(redeemed.body.readableBytesView)) as? [String: Any])
            let jwt = try #require(answer["session"] as? String)
            let keys = JWTKeyCollection()
            await keys.add(hmac: HMACKey(from: WebHarness.sessionSecret), digestAlgorithm: .sha256)
            let session = try await keys.verify(jwt, as: WebSession.self)
            #expect(session.sub.value == FakeWeChatAPI.defaultWebUser)
            #expect(session.aud.value == [harness.appID])
            let again = try await client.execute(uri: "/oauth/redeem", method: .post, body: ByteBuffer(string: #"{"ticket":"\#(ticket)"}"#))
            #expect(again.status == .notFound)

            // A bearer token works like the cookie; a forged one does not.
            let bearer = try await client.execute(uri: "/oauth/me", method: .get, headers: [.authorization: "Bearer \(jwt)"])
            #expect(bearer.status == .ok)
            let forged = try await client.execute(uri: "/oauth/me", method: .get, headers: [.authorization: "Bearer \(jwt.dropLast(2))xx"])
            #expect(forged.status == .unauthorized)
            #expect(fake.codeExchanges.count == 1)
        }
    }

    @Test func theSameCodeTwiceInARowIsExchangedOnceAndBothAreSignedIn() async throws {
        let harness = try await WebHarness.make()
        let fake = harness.fake
        try await harness.test { client in
            let start = try await client.execute(uri: "/oauth/start?return=%2Fdemo", method: .get)
            let (code, state) = try await Self.consent(start, fake: fake)
            let uri = "/oauth/callback?code=\(try #require(code))&state=\(state)"
            let first = try await client.execute(uri: uri, method: .get)
            let second = try await client.execute(uri: uri, method: .get)
            for response in [first, second] {
                #expect(response.status == .found)
                _ = try WebHarness.handOff(response)
            }
            #expect(fake.codeExchanges.count == 1)
            #expect(fake.codeExchanges.allSatisfy { $0.errcode == 0 })
        }
    }

    @Test func theSameCodeTwiceAtOnceIsExchangedOnceAndBothAreSignedIn() async throws {
        let harness = try await WebHarness.make()
        let fake = harness.fake
        try await harness.test { client in
            let start = try await client.execute(uri: "/oauth/start?return=%2Fdemo", method: .get)
            let (code, state) = try await Self.consent(start, fake: fake)
            fake.faults.latency = .milliseconds(300)  // the second request arrives while the first is exchanging
            let uri = "/oauth/callback?code=\(try #require(code))&state=\(state)"
            async let first = client.execute(uri: uri, method: .get)
            async let second = client.execute(uri: uri, method: .get)
            for response in try await [first, second] {
                #expect(response.status == .found)
                _ = try WebHarness.handOff(response)
            }
            #expect(fake.codeExchanges.count == 1)
        }
    }

    @Test func aReplayedUnknownOrMismatchedStateIsRefused() async throws {
        let harness = try await WebHarness.make()
        let fake = harness.fake
        let appID = harness.appID
        try await harness.test { client in
            let start = try await client.execute(uri: "/oauth/start?return=%2Fdemo", method: .get)
            let (code, state) = try await Self.consent(start, fake: fake)
            #expect(try await client.execute(uri: "/oauth/callback?code=\(try #require(code))&state=\(state)", method: .get).status == .found)
            // The used state with a new code (a replay, or an attacker's code with a victim's link).
            let replay = try await client.execute(uri: "/oauth/callback?code=\(fake.issueCode(appID: appID))&state=\(state)", method: .get)
            #expect(replay.status == .forbidden)
            #expect(replay.headers[.setCookie] == nil)
            // A state never issued.
            let unknown = try await client.execute(uri: "/oauth/callback?code=\(fake.issueCode(appID: appID))&state=\(RandomToken.make())", method: .get)
            #expect(unknown.status == .forbidden)
            // The first code again with another (valid) state: the code belongs to the first state.
            let other = try WebHarness.authorizeRedirect(try await client.execute(uri: "/oauth/start?return=%2Fdemo", method: .get)).state
            let mismatched = try await client.execute(uri: "/oauth/callback?code=\(try #require(code))&state=\(other)", method: .get)
            #expect(mismatched.status == .forbidden)
            // A malformed state never reaches Redis.
            #expect(try await client.execute(uri: "/oauth/callback?code=x&state=%3Cscript%3E", method: .get).status == .badRequest)
            // Refused callbacks exchanged nothing.
            #expect(fake.codeExchanges.count == 1)
        }
    }

    @Test func aUserWhoRefusesGetsAPageToTryAgain() async throws {
        let harness = try await WebHarness.make()
        let fake = harness.fake
        try await harness.test { client in
            let start = try await client.execute(uri: "/oauth/start?scope=userinfo&return=%2Fdemo", method: .get)
            let (code, state) = try await Self.consent(start, fake: fake, extra: "&wxsim_refuse=1")
            #expect(code == nil)
            let page = try await client.execute(uri: "/oauth/callback?state=\(state)", method: .get)
            #expect(page.status == .ok)
            let html = String(buffer: page.body)
            #expect(html.contains("You did not allow the sign-in"))
            #expect(html.contains("/oauth/start?scope=userinfo&amp;return=http%3A%2F%2Fweb.test%3A8081%2Fdemo"))
            #expect(fake.codeExchanges.isEmpty)
        }
    }

    @Test func anExpiredOrUsedCodeRestartsTheSignInOnceThenSaysSo() async throws {
        let harness = try await WebHarness.make()
        let fake = harness.fake
        let appID = harness.appID
        try await harness.test { client in
            let start = try await client.execute(uri: "/oauth/start?return=%2Fdemo", method: .get)
            let state = try WebHarness.authorizeRedirect(start).state
            let unknownCode = "NOT-A-CODE"
            let restarted = try await client.execute(uri: "/oauth/callback?code=\(unknownCode)&state=\(state)", method: .get)
            #expect(restarted.status == .found)
            let newState = try WebHarness.authorizeRedirect(restarted).state
            #expect(newState != state)
            let used = fake.issueCode(appID: appID)
            var spend = HTTPClientRequest(url: "\(fake.baseURL)/sns/oauth2/access_token?appid=\(appID)&secret=\(WebHarness.secret)&code=\(used)&grant_type=authorization_code")
            spend.method = .GET
            _ = try await HTTPClient.shared.execute(spend, timeout: .seconds(5))
            let page = try await client.execute(uri: "/oauth/callback?code=\(used)&state=\(newState)", method: .get)
            #expect(page.status == .badRequest)
            #expect(String(buffer: page.body).contains("The sign-in code expired"))
            #expect(fake.codeExchanges.map(\.errcode) == [40029, 0, 40163])
        }
    }

    @Test func userinfoScopeGivesTheProfileAndRefreshesAnExpiredWebToken() async throws {
        let harness = try await WebHarness.make()
        let fake = harness.fake
        try await harness.test { client in
            let start = try await client.execute(uri: "/oauth/start?scope=userinfo&return=%2Fdemo", method: .get)
            let (code, state) = try await Self.consent(start, fake: fake)
            let (_, _, cookie) = try WebHarness.handOff(try await client.execute(uri: "/oauth/callback?code=\(try #require(code))&state=\(state)", method: .get))
            let me = try JSONSerialization.jsonObject(with: Data(try await client.execute(uri: "/oauth/me", method: .get, headers: [.cookie: cookie]).body.readableBytesView)) as? [String: Any]
            #expect((me?["nickname"] as? String)?.hasPrefix("wxsim user") == true)
            #expect(me?["scope"] as? String == "userinfo")

            fake.expireWebTokensNow()
            let profile = try await client.execute(uri: "/oauth/userinfo", method: .get, headers: [.cookie: cookie])
            #expect(profile.status == .ok)
            let fields = try JSONSerialization.jsonObject(with: Data(profile.body.readableBytesView)) as? [String: Any]
            #expect(fields?["openid"] as? String == FakeWeChatAPI.defaultWebUser)
            #expect(fake.calls.contains { $0.path == "/sns/oauth2/refresh_token" && $0.errcode == 0 })
        }
    }

    @Test func baseScopeSessionsAreToldToSignInWithUserinfo() async throws {
        let harness = try await WebHarness.make()
        let fake = harness.fake
        try await harness.test { client in
            let start = try await client.execute(uri: "/oauth/start?return=%2Fdemo", method: .get)
            let (code, state) = try await Self.consent(start, fake: fake)
            let (_, _, cookie) = try WebHarness.handOff(try await client.execute(uri: "/oauth/callback?code=\(try #require(code))&state=\(state)", method: .get))
            let profile = try await client.execute(uri: "/oauth/userinfo", method: .get, headers: [.cookie: cookie])
            #expect(profile.status == .forbidden)
            #expect(String(buffer: profile.body).contains("scope=userinfo"))
            #expect(try await client.execute(uri: "/oauth/userinfo", method: .get).status == .unauthorized)
        }
    }
}
