import Hummingbird
import Shared

/// The `web` service's own variables, validated at start-up (the shared ones are in `RelayConfiguration`).
///
/// | variable | default | what |
/// | --- | --- | --- |
/// | `WEB_HOST` / `WEB_PORT` | `0.0.0.0` / `8081` | where it listens |
/// | `WEB_PUBLIC_URL` | `http://127.0.0.1:WEB_PORT` | how browsers reach it: the OAuth `redirect_uri` is `WEB_PUBLIC_URL/oauth/callback` (its host is the console's OAuth domain) |
/// | `WECHAT_OPEN_BASE` | `https://open.weixin.qq.com` | the authorize page |
/// | `WEB_ALLOWED_RETURN` | `WEB_PUBLIC_URL`'s origin | origins (or origin/path prefixes) a sign-in may return to |
/// | `WEB_JSSDK_DOMAINS` | `WEB_PUBLIC_URL`'s origin | pages that may get a JS-SDK signature: the console's JS-safe domains, with the scheme |
/// | `WEB_SESSION_SECRET` | required, ≥ 32 bytes | HS256 key of the session JWT |
/// | `WEB_SESSION_SECONDS` | `7200` | session lifetime |
/// | `WEB_COOKIE_DOMAIN` | none (host-only cookie) | the team's app domain for the `wx_session` cookie |
/// | `WEB_RATE_LIMIT` | `120` | requests per minute per client address on `/oauth/*` and `/jssdk/*` |
/// | `WEB_TRUST_FORWARDED_FOR` | `false` | take the client address from the right-most `X-Forwarded-For` hop (only behind a proxy that sets it) |
/// | `WEB_JSSDK_SCRIPT` | `https://res.wx.qq.com/open/js/jweixin-1.6.0.js` | the JS-SDK the demo page loads |
/// | `WEB_DEMO_PAGE` | `false` | serve the demo page at `/demo` |
/// | `WEB_MP_VERIFY` | none | codes of the console's domain check files: `abc` serves `/MP_verify_abc.txt` |
struct WebSettings: Sendable {
    var host: String
    var port: Int
    var publicURL: WebURL
    var openBase: String
    var allowedReturn: [WebOrigin]
    var jssdkDomains: [WebOrigin]
    var sessionSecret: String
    var sessionLifetimeSeconds: Int
    var cookieDomain: String?
    var rateLimitPerMinute: Int
    var trustForwardedFor: Bool
    var jssdkScript: String
    var demoPage: Bool
    /// The `XXXX` of the console's `MP_verify_XXXX.txt` domain check files.
    var verificationCodes: [String]

    init(environment: [String: String]) throws(ConfigurationError) {
        let reader = EnvironmentReader(environment)
        host = reader.string("WEB_HOST") ?? "0.0.0.0"
        port = try reader.integer("WEB_PORT", default: 8081, in: 0...65_535)
        let publicText = reader.string("WEB_PUBLIC_URL") ?? "http://127.0.0.1:\(port)"
        guard let publicURL = WebURL(publicText), publicURL.query.isEmpty, publicURL.fragment == nil else {
            throw ConfigurationError(variable: "WEB_PUBLIC_URL", problem: "must be an absolute http(s) URL such as https://wx.example.com, got '\(publicText)'")
        }
        self.publicURL = publicURL
        openBase = reader.string("WECHAT_OPEN_BASE") ?? "https://open.weixin.qq.com"
        while openBase.hasSuffix("/") { openBase.removeLast() }
        guard WebURL(openBase) != nil else {
            throw ConfigurationError(variable: "WECHAT_OPEN_BASE", problem: "must be an absolute http(s) URL, got '\(openBase)'")
        }
        allowedReturn = try Self.origins(reader, "WEB_ALLOWED_RETURN", default: publicURL)
        jssdkDomains = try Self.origins(reader, "WEB_JSSDK_DOMAINS", default: publicURL)
        guard let secret = reader.string("WEB_SESSION_SECRET") else { throw .missing("WEB_SESSION_SECRET") }
        guard secret.utf8.count >= 32 else {
            throw ConfigurationError(variable: "WEB_SESSION_SECRET", problem: "must be at least 32 bytes (e.g. `openssl rand -hex 32`)")
        }
        sessionSecret = secret
        sessionLifetimeSeconds = try reader.integer("WEB_SESSION_SECONDS", default: 7200, in: 60...2_592_000)
        cookieDomain = reader.string("WEB_COOKIE_DOMAIN")
        if let cookieDomain, cookieDomain.contains(where: { $0 == ";" || $0 == "," || $0.isWhitespace }) {
            throw ConfigurationError(variable: "WEB_COOKIE_DOMAIN", problem: "must be a domain name such as example.com")
        }
        rateLimitPerMinute = try reader.integer("WEB_RATE_LIMIT", default: 120, in: 1...1_000_000)
        trustForwardedFor = try reader.boolean("WEB_TRUST_FORWARDED_FOR", default: false)
        jssdkScript = reader.string("WEB_JSSDK_SCRIPT") ?? "https://res.wx.qq.com/open/js/jweixin-1.6.0.js"
        demoPage = try reader.boolean("WEB_DEMO_PAGE", default: false)
        verificationCodes = reader.list("WEB_MP_VERIFY").map { $0.hasPrefix("MP_verify_") ? String($0.dropFirst(10)) : $0 }
            .map { $0.hasSuffix(".txt") ? String($0.dropLast(4)) : $0 }
        for code in verificationCodes where !RandomToken.isWellFormed(code) {
            throw ConfigurationError(variable: "WEB_MP_VERIFY", problem: "'\(code)' is not the letters and digits of an MP_verify_XXXX.txt file name")
        }
    }

    /// `WEB_PUBLIC_URL` without a trailing `/`: what this service's paths are appended to.
    var publicBase: String {
        var base = publicURL.withoutFragment
        while base.hasSuffix("/") { base.removeLast() }
        return base
    }

    /// The OAuth `redirect_uri`: this service's callback as browsers reach it.
    var callbackURL: String { publicBase + "/oauth/callback" }

    /// CORS headers for a request whose `Origin` is on `origins` (with credentials when `credentials`),
    /// else only `Vary: Origin`.
    static func corsHeaders(_ request: Request, origins: [WebOrigin], methods: String, credentials: Bool) -> HTTPFields {
        guard let origin = request.headers[.origin], origins.contains(where: { $0.matches(originHeader: origin) }) else {
            return [.vary: "Origin"]
        }
        var headers: HTTPFields = [.accessControlAllowOrigin: origin, .vary: "Origin", .accessControlAllowMethods: methods]
        if credentials {
            headers[.accessControlAllowCredentials] = "true"
            headers[.accessControlAllowHeaders] = "Authorization, Content-Type"
        }
        return headers
    }

    /// Whether cookies must carry `Secure` (the public URL is https).
    var secureCookies: Bool { publicURL.scheme == "https" }

    private static func origins(_ reader: EnvironmentReader, _ name: String, default fallback: WebURL) throws(ConfigurationError) -> [WebOrigin] {
        let entries = reader.list(name)
        if entries.isEmpty { return [WebOrigin(url: fallback)] }
        var origins: [WebOrigin] = []
        for entry in entries {
            guard let origin = WebOrigin(entry: entry) else {
                throw ConfigurationError(
                    variable: name, problem: "'\(entry)' is not an origin such as https://example.com (write the scheme: http and https are different pages to WeChat)")
            }
            origins.append(origin)
        }
        return origins
    }

}
