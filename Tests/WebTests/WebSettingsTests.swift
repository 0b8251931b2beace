import Shared
import Testing

@testable import Web

/// The `web` service's variables: defaults, and one clear line for each mistake.
@Suite struct WebSettingsTests {
    static let base = ["WEB_SESSION_SECRET": String(repeating: "s", count: 32)]

    @Test func defaultsServeTheLocalDemo() throws {
        let settings = try WebSettings(environment: Self.base)
        #expect(settings.host == "0.0.0.0")
        #expect(settings.port == 8081)
        #expect(settings.callbackURL == "http://127.0.0.1:8081/oauth/callback")
        #expect(settings.openBase == "https://open.weixin.qq.com")
        #expect(settings.allowedReturn.map(\.origin) == ["http://127.0.0.1:8081"])
        #expect(!settings.secureCookies)
    }

    @Test(arguments: [
        (["WEB_SESSION_SECRET": ""], "WEB_SESSION_SECRET"),
        (["WEB_SESSION_SECRET": "short"], "at least 32 bytes"),
        (["WEB_JSSDK_DOMAINS": "app.example.com"], "write the scheme"),
        (["WEB_ALLOWED_RETURN": "https://a.example.com,ftp://b"], "'ftp://b' is not an origin"),
        (["WEB_PUBLIC_URL": "wx.example.com"], "WEB_PUBLIC_URL"),
        (["WEB_PORT": "99999"], "WEB_PORT"),
        (["WEB_DEMO_PAGE": "maybe"], "must be true or false"),
    ])
    func mistakesAreNamed(extra: [String: String], message: String) {
        let environment = Self.base.merging(extra) { $1 }
        #expect {
            _ = try WebSettings(environment: environment)
        } throws: { error in
            String(describing: error).contains(message)
        }
    }

    @Test func originsMatchSchemeHostPortAndPathPrefixExactly() throws {
        let origin = try #require(WebOrigin(entry: "https://app.example.com/shop/"))
        #expect(origin.matches(try #require(WebURL("https://app.example.com/shop"))))
        #expect(origin.matches(try #require(WebURL("https://APP.example.com:443/shop/cart"))))
        #expect(!origin.matches(try #require(WebURL("https://app.example.com/shopping"))))
        #expect(!origin.matches(try #require(WebURL("https://app.example.com:8443/shop"))))
        #expect(!origin.matches(try #require(WebURL("http://app.example.com/shop"))))
        #expect(WebURL("https://app.example.com\\@evil.com/") == nil)
        #expect(WebURL("https://user@app.example.com/") == nil)
        #expect(WebURL("https://app.example.com/ x") == nil)
    }
}
