import AsyncHTTPClient
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOHTTP1
import Shared
import TestSupport
import Testing
import WeChatFake

@testable import Web

/// What the web tests share: a fake WeChat (API and authorize page), a unique AppID on the test Redis,
/// and the `web` service's components built from an environment, tested through its router.
struct WebHarness {
    static let secret = "web-test-secret"
    static let sessionSecret = "0123456789abcdef0123456789abcdef-test"
    static let publicURL = "http://web.test:8081"

    let appID: String
    let fake: FakeWeChatAPI
    let redis: RedisClient
    let components: WebComponents

    static func make(_ extra: [String: String] = [:]) async throws -> WebHarness {
        let appID = "wxweb\(UInt64.random(in: 0...UInt64.max))"
        let fake = FakeWeChatAPI(apps: [appID: secret])
        try await fake.start()
        var environment = [
            "REDIS_URL": try TestRedis.urlText(), "WECHAT_APPID": appID, "WECHAT_APPSECRET": secret, "WECHAT_API_BASE": fake.baseURL,
            "WECHAT_OPEN_BASE": fake.baseURL, "WEB_PUBLIC_URL": publicURL, "WEB_SESSION_SECRET": sessionSecret,
            "WEB_ALLOWED_RETURN": "http://web.test:8081,https://app.example.com/shop", "WEB_JSSDK_DOMAINS": "https://app.example.com",
            "WEB_DEMO_PAGE": "true",
        ]
        environment.merge(extra) { $1 }
        let configuration = try RelayConfiguration(role: .web, environment: environment)
        let settings = try WebSettings(environment: environment)
        let redis = try TestRedis.client()
        let components = await WebComponents.make(
            configuration: configuration, settings: settings, redis: redis, httpClient: HTTPClient.shared, logger: Logger(label: "test.web"))
        return WebHarness(appID: appID, fake: fake, redis: redis, components: components)
    }

    /// Runs `body` against the service's router (no socket), then stops the fake.
    func test(_ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        do {
            try await components.application().test(.router, body)
        } catch {
            await fake.stop()
            throw error
        }
        await fake.stop()
    }

    /// The `state` and the URL of WeChat's authorize page that `/oauth/start` redirected to.
    static func authorizeRedirect(_ response: TestResponse) throws -> (state: String, location: URLComponents) {
        let location = try #require(response.headers[.location])
        let components = try #require(URLComponents(string: location))
        let state = try #require(components.queryItems?.first { $0.name == "state" }?.value)
        return (state, components)
    }

    /// The `wx_ticket` and the `wx_session` cookie of a callback's redirect.
    static func handOff(_ response: TestResponse) throws -> (location: String, ticket: String, cookie: String) {
        let location = try #require(response.headers[.location])
        let ticket = try #require(URLComponents(string: location)?.queryItems?.first { $0.name == "wx_ticket" }?.value)
        let setCookie = try #require(response.headers[.setCookie])
        let cookie = try #require(setCookie.split(separator: ";").first.map(String.init))
        #expect(cookie.hasPrefix("wx_session="))
        #expect(setCookie.contains("HttpOnly"))
        return (location, ticket, cookie)
    }
}
