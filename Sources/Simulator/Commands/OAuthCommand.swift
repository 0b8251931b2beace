import ArgumentParser
import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import Shared

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `wxsim oauth URL`: plays the browser of a WeChat user signing in on a web page: follows the
/// redirects from `web`'s `/oauth/start` through WeChat's authorize page (the fake's, which consents)
/// back to `/oauth/callback`, keeps the session cookie, and prints who `/oauth/me` says is signed in.
struct OAuthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "oauth",
        abstract: "Sign in through web's OAuth like WeChat's browser; print the identity.",
        discussion: """
            URL is web's base (http://127.0.0.1:8081, then the return page is its /oauth/me) or a full \
            /oauth/start?return=…&scope=… link. The authorize page must be the fake's (wxsim api).
            """)

    @Argument(help: "web's base URL or an /oauth/start link.")
    var url: String

    @Option(help: "base or userinfo (when URL is web's base).")
    var scope = "userinfo"

    @Option(name: .customLong("openid"), help: "The user the fake authorize page signs in.")
    var openID: String?

    @Flag(help: "Refuse on the authorize page, as a user who says no.")
    var refuse = false

    @Flag(help: "Deliver the callback twice at once, as WeChat's webview often does.")
    var twice = false

    func validate() throws {
        guard scope == "base" || scope == "userinfo" else { throw ValidationError("--scope must be base or userinfo") }
    }

    func run() async throws {
        try await reportingFailure {
            var configuration = HTTPClient.Configuration()
            configuration.redirectConfiguration = .disallow
            let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
            do {
                try await signIn(client)
            } catch {
                try? await client.shutdown()
                throw error
            }
            try? await client.shutdown()
        }
    }

    private func signIn(_ client: HTTPClient) async throws {
        var next = url.contains("/oauth/start") ? url : "\(Self.trimmed(url))/oauth/start?scope=\(scope)&return=\(PercentEncoding.encode(Self.trimmed(url) + "/oauth/me"))"
        var cookie: String?
        var webOrigin = Self.origin(of: next)
        for _ in 0..<10 {
            let target = next
            let sent = Self.origin(of: target) == webOrigin ? cookie : nil
            let answer: (Int, String?, String?, [UInt8])
            if twice, target.contains("/oauth/callback") {
                async let second = fetch(client, target, cookie: nil)
                answer = try await fetch(client, target, cookie: sent)
                let other = try await second
                Console.line("oauth: the callback delivered twice at once; the other one answered \(other.0) → \(other.1.map(Self.masked) ?? "no redirect")")
            } else {
                answer = try await fetch(client, target, cookie: sent)
            }
            let (status, location, setCookie, body) = answer
            Console.line("oauth: GET \(Self.masked(next)) → \(status)")
            if let setCookie, let pair = setCookie.split(separator: ";").first, pair.hasPrefix("wx_session=") {
                cookie = String(pair)
                webOrigin = Self.origin(of: next)
            }
            guard (300..<400).contains(status), var location else {
                if cookie == nil {
                    Console.line("oauth: not signed in; the last page said: \(Self.text(of: body))")
                    throw ExitCode(1)
                }
                break
            }
            location = String(location.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)[0])
            if location.contains("/connect/oauth2/authorize") {
                if let openID { location += "&wxsim_openid=\(PercentEncoding.encode(openID))" }
                if refuse { location += "&wxsim_refuse=1" }
            }
            next = location
        }
        guard let cookie, let webOrigin else { throw ExitCode(1) }
        let (status, _, _, body) = try await fetch(client, webOrigin + "/oauth/me", cookie: cookie)
        Console.line("oauth: signed in; /oauth/me → \(status) \(String(decoding: body, as: UTF8.self))")
    }

    private func fetch(_ client: HTTPClient, _ url: String, cookie: String?) async throws -> (Int, String?, String?, [UInt8]) {
        var request = HTTPClientRequest(url: url)
        if let cookie { request.headers.add(name: "Cookie", value: cookie) }
        let response = try await client.execute(request, timeout: .seconds(15))
        let body = try await response.body.collect(upTo: 1 << 20)
        return (Int(response.status.code), response.headers.first(name: "Location"), response.headers.first(name: "Set-Cookie"), Array(body.readableBytesView))
    }

    private static func trimmed(_ url: String) -> String {
        var url = url
        while url.hasSuffix("/") { url.removeLast() }
        return url
    }

    /// `scheme://host:port` of a URL.
    private static func origin(of url: String) -> String? {
        guard let components = URLComponents(string: url), let scheme = components.scheme, let host = components.host else { return nil }
        return components.port.map { "\(scheme)://\(host):\($0)" } ?? "\(scheme)://\(host)"
    }

    /// The URL with the values of `code`, `state` and `wx_ticket` hidden (they are credentials).
    static func masked(_ url: String) -> String {
        guard var components = URLComponents(string: url) else { return url }
        components.queryItems = components.queryItems?.map { item in
            ["code", "state", "wx_ticket"].contains(item.name) ? URLQueryItem(name: item.name, value: "***") : item
        }
        return components.string ?? url
    }

    /// The visible text of an HTML page, briefly.
    private static func text(of body: [UInt8]) -> String {
        var text = ""
        var inTag = false
        for character in String(decoding: body.prefix(4096), as: UTF8.self) {
            if character == "<" {
                inTag = true
            } else if character == ">" {
                inTag = false
                text += " "
            } else if !inTag {
                text.append(character)
            }
        }
        return text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}
