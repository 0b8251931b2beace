import Hummingbird
import NIOCore
import Shared
import Synchronization

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Web-page OAuth and the JS-SDK, as WeChat serves them:
/// - `GET /connect/oauth2/authorize` (open.weixin.qq.com's page): consents at once and redirects to
///   `redirect_uri?code=…&state=…` (only `?state=…` when refusing: `wxsim_refuse=1` or ``refusesConsent``);
///   the user is `wxsim_openid=…` or ``defaultWebUser``; a bad appid, scope, redirect_uri or state gets
///   WeChat's error page (10003-10016 style);
/// - `GET /sns/oauth2/access_token`: codes work once (then 40163) and for five minutes (then 40029);
/// - `GET /sns/oauth2/refresh_token` (40030 for an unknown one), `GET /sns/userinfo` (48001 for a
///   `snsapi_base` token, 42001 expired, 40001 unknown), `GET /sns/auth`;
/// - `GET /cgi-bin/ticket/getticket?type=jsapi`: the same ticket until it expires (``ticketFetches`` counts calls);
/// - `GET /wxsim/jweixin.js`: a stand-in for `jweixin-1.6.0.js` whose `wx.config` asks
///   `POST /wxsim/jssdk/verify` to check the signature against the account's current ticket and the
///   page's own `location.href`, like WeChat's client does, then calls `wx.ready` or `wx.error`.
extension FakeWeChatAPI {
    /// The openid the authorize page signs in when the request names none.
    public static let defaultWebUser = "oWXSIMwebUser0000000000000A"
    public static let jweixinPath = "/wxsim/jweixin.js"
    public static let jssdkVerifyPath = "/wxsim/jssdk/verify"
    public static let ticketPath = "/cgi-bin/ticket/getticket"
    public static let codeExchangePath = "/sns/oauth2/access_token"

    func addWebRoutes(to router: Router<BasicRequestContext>) {
        router.get("/connect/oauth2/authorize") { request, _ in await self.authorize(request) }
        router.get(RouterPath(Self.codeExchangePath)) { request, _ in await self.exchangeCode(request) }
        router.get("/sns/oauth2/refresh_token") { request, _ in await self.refreshWebToken(request) }
        router.get("/sns/userinfo") { request, _ in await self.snsUserInfo(request) }
        router.get("/sns/auth") { request, _ in await self.snsAuth(request) }
        router.get(RouterPath(Self.ticketPath)) { request, _ in await self.ticket(request) }
        router.get(RouterPath(Self.jweixinPath)) { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/javascript; charset=utf-8", .accessControlAllowOrigin: "*"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: FakeJWeixinScript.source)))
        }
        router.post(RouterPath(Self.jssdkVerifyPath)) { request, _ in await self.verifyJSSDK(request) }
    }

    // MARK: Control and inspection

    /// jsapi_ticket fetches answered with a ticket.
    public var ticketFetches: Int {
        state.withLock { $0.calls.filter { $0.path == Self.ticketPath && $0.errcode == 0 }.count }
    }

    /// Calls to `/sns/oauth2/access_token`, whatever they were answered.
    public var codeExchanges: [FakeWeChatCall] {
        state.withLock { $0.calls.filter { $0.path == Self.codeExchangePath } }
    }

    /// Makes the authorize page refuse (as a user who says no), or consent again.
    public var refusesConsent: Bool {
        get { state.withLock { $0.web.refuseConsent } }
        set { state.withLock { $0.web.refuseConsent = newValue } }
    }

    /// Expires every jsapi_ticket (the next getticket issues a new one).
    public func expireTicketsNow() {
        state.withLock { state in
            for key in state.web.tickets.keys { state.web.tickets[key]?.expiresAt = .now }
        }
    }

    /// Expires every web-auth access token (the next `/sns/userinfo` answers 42001).
    public func expireWebTokensNow() {
        state.withLock { state in
            for key in state.web.accessTokens.keys { state.web.accessTokens[key]?.expiresAt = .now }
        }
    }

    /// Issues a code as the authorize page would, for tests that play the browser themselves.
    public func issueCode(appID: String, openID: String = FakeWeChatAPI.defaultWebUser, scope: String = "snsapi_base") -> String {
        state.withLock { state in
            state.web.issued += 1
            let code = "FAKECODE\(state.web.issued)x\(UInt32.random(in: 0...UInt32.max))"
            state.web.codes[code] = FakeWebState.Grant(appID: appID, openID: openID, scope: scope, expiresAt: .now + .seconds(300))
            return code
        }
    }

    // MARK: Handlers

    private func authorize(_ request: Request) async -> Response {
        let query = request.uri.queryParameters
        func page(_ code: Int, _ text: String) -> Response {
            record(FakeWeChatCall(path: "/connect/oauth2/authorize", status: 400, errcode: code, appID: query["appid"].map(String.init), message: nil, body: "", receivedAt: WallClock.milliseconds()))
            return Response(
                status: .badRequest, headers: [.contentType: "text/html; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: "<html><body><h1>\(code)</h1><p>\(text)</p></body></html>")))
        }
        guard let appID = query["appid"].map(String.init), !appID.isEmpty else { return page(10012, "appid missing") }
        guard state.withLock({ $0.apps[appID] != nil }) else { return page(10016, "appid invalid") }
        guard let redirect = query["redirect_uri"].map(String.init), !redirect.isEmpty else { return page(10011, "redirect_uri missing") }
        guard redirect.hasPrefix("http://") || redirect.hasPrefix("https://"), !redirect.contains("#") else { return page(10003, "redirect_uri invalid") }
        guard query["response_type"] == "code" else { return page(10004, "response_type must be code") }
        guard let scope = query["scope"].map(String.init), scope == "snsapi_base" || scope == "snsapi_userinfo" else { return page(10005, "scope invalid") }
        guard let state = query["state"].map(String.init), !state.isEmpty else { return page(10013, "state missing") }
        guard state.utf8.count <= 128, state.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) }) else {
            return page(10013, "state must be a-zA-Z0-9, at most 128 bytes")
        }
        let separator = redirect.contains("?") ? "&" : "?"
        let refuses = query["wxsim_refuse"] == "1" || refusesConsent
        record(FakeWeChatCall(path: "/connect/oauth2/authorize", status: 302, errcode: refuses ? nil : 0, appID: appID, message: nil, body: "", receivedAt: WallClock.milliseconds()))
        if refuses {
            return Response(status: .found, headers: [.location: "\(redirect)\(separator)state=\(state)"])
        }
        let openID = query["wxsim_openid"].map(String.init) ?? Self.defaultWebUser
        let code = issueCode(appID: appID, openID: openID, scope: scope)
        return Response(status: .found, headers: [.location: "\(redirect)\(separator)code=\(code)&state=\(state)"])
    }

    private func exchangeCode(_ request: Request) async -> Response {
        await delay()
        let query = request.uri.queryParameters
        let path = Self.codeExchangePath
        let appID = query["appid"].map(String.init)
        guard query["grant_type"] == "authorization_code" else { return answer(path: path, errcode: 40002, errmsg: "invalid grant_type", appID: appID, body: []) }
        guard let appID, let expected = state.withLock({ $0.apps[appID] }) else { return answer(path: path, errcode: 40013, errmsg: "invalid appid", body: []) }
        guard query["secret"].map(String.init) == expected else { return answer(path: path, errcode: 40125, errmsg: "invalid appsecret", appID: appID, body: []) }
        guard let code = query["code"].map(String.init), !code.isEmpty else { return answer(path: path, errcode: 41008, errmsg: "missing code", appID: appID, body: []) }
        let outcome = state.withLock { state -> Result<FakeWebState.Grant, FakeWebError> in
            guard var grant = state.web.codes[code], grant.appID == appID, grant.expiresAt > .now else { return .failure(FakeWebError(40029, "invalid code")) }
            guard !grant.used else { return .failure(FakeWebError(40163, "code been used")) }
            grant.used = true
            state.web.codes[code] = grant
            return .success(grant)
        }
        switch outcome {
        case .failure(let error): return answer(path: path, errcode: error.errcode, errmsg: error.errmsg, appID: appID, body: [])
        case .success(let grant): return grantAnswer(path: path, grant: grant, refreshToken: nil)
        }
    }

    private func refreshWebToken(_ request: Request) async -> Response {
        await delay()
        let query = request.uri.queryParameters
        let path = "/sns/oauth2/refresh_token"
        let appID = query["appid"].map(String.init)
        guard query["grant_type"] == "refresh_token" else { return answer(path: path, errcode: 40002, errmsg: "invalid grant_type", appID: appID, body: []) }
        guard let refresh = query["refresh_token"].map(String.init),
            let grant = state.withLock({ $0.web.refreshTokens[refresh] }), grant.appID == appID, grant.expiresAt > .now
        else { return answer(path: path, errcode: 40030, errmsg: "invalid refresh_token", appID: appID, body: []) }
        return grantAnswer(path: path, grant: grant, refreshToken: refresh)
    }

    /// Issues a web-auth access token for `grant` (and a refresh token unless refreshing one) and answers like WeChat.
    private func grantAnswer(path: String, grant: FakeWebState.Grant, refreshToken: String?) -> Response {
        let (access, refresh) = state.withLock { state -> (String, String) in
            state.web.issued += 1
            let access = "FAKESNS\(state.web.issued)x\(UInt32.random(in: 0...UInt32.max))"
            var issued = grant
            issued.used = false
            issued.expiresAt = .now + .seconds(tokenLifetimeSeconds)
            state.web.accessTokens[access] = issued
            if let refreshToken { return (access, refreshToken) }
            let refresh = "FAKEREFRESH\(state.web.issued)x\(UInt32.random(in: 0...UInt32.max))"
            issued.expiresAt = .now + .seconds(30 * 24 * 3600)
            state.web.refreshTokens[refresh] = issued
            return (access, refresh)
        }
        record(FakeWeChatCall(path: path, status: 200, errcode: 0, appID: grant.appID, message: nil, body: "", receivedAt: WallClock.milliseconds()))
        var answer: [String: JSONValue] = [
            "access_token": .string(access), "expires_in": .number(Double(tokenLifetimeSeconds)), "refresh_token": .string(refresh),
            "openid": .string(grant.openID), "scope": .string(grant.scope),
        ]
        if grant.scope == "snsapi_userinfo" { answer["unionid"] = .string(Self.unionID(of: grant.openID)) }
        return Self.json(Self.encode(answer))
    }

    private func snsUserInfo(_ request: Request) async -> Response {
        await delay()
        let query = request.uri.queryParameters
        let path = "/sns/userinfo"
        let (grant, failure) = webToken(query["access_token"].map(String.init), openID: query["openid"].map(String.init))
        if let failure { return answer(path: path, errcode: failure.errcode, errmsg: failure.errmsg, appID: grant?.appID, body: []) }
        guard let grant else { return answer(path: path, errcode: 40001, errmsg: "invalid credential", body: []) }
        guard grant.scope == "snsapi_userinfo" else { return answer(path: path, errcode: 48001, errmsg: "api unauthorized", appID: grant.appID, body: []) }
        record(FakeWeChatCall(path: path, status: 200, errcode: 0, appID: grant.appID, message: nil, body: "", receivedAt: WallClock.milliseconds()))
        let answer: [String: JSONValue] = [
            "openid": .string(grant.openID), "nickname": .string("wxsim user \(grant.openID.suffix(4))"), "sex": .number(0),
            "province": .string(""), "city": .string(""), "country": .string(""), "headimgurl": .string(""), "privilege": .array([]),
            "unionid": .string(Self.unionID(of: grant.openID)),
        ]
        return Self.json(Self.encode(answer))
    }

    private func snsAuth(_ request: Request) async -> Response {
        let query = request.uri.queryParameters
        let (grant, failure) = webToken(query["access_token"].map(String.init), openID: query["openid"].map(String.init))
        if let failure { return answer(path: "/sns/auth", errcode: failure.errcode, errmsg: failure.errmsg, appID: grant?.appID, body: []) }
        return answer(path: "/sns/auth", errcode: 0, errmsg: "ok", appID: grant?.appID, body: [])
    }

    /// The grant behind a web-auth token, or WeChat's errcode for it.
    private func webToken(_ token: String?, openID: String?) -> (FakeWebState.Grant?, FakeWebError?) {
        guard let token, !token.isEmpty else { return (nil, FakeWebError(41001, "access_token missing")) }
        guard let grant = state.withLock({ $0.web.accessTokens[token] }) else { return (nil, FakeWebError(40001, "invalid credential, access_token is invalid or not latest")) }
        guard grant.expiresAt > .now else { return (grant, FakeWebError(42001, "access_token expired")) }
        guard openID == grant.openID else { return (grant, FakeWebError(40003, "invalid openid")) }
        return (grant, nil)
    }

    private func ticket(_ request: Request) async -> Response {
        await delay()
        let query = request.uri.queryParameters
        guard let token = query["access_token"].map(String.init), !token.isEmpty else {
            return answer(path: Self.ticketPath, errcode: 41001, errmsg: "access_token missing", body: [])
        }
        let (appID, tokenError) = check(accessToken: token)
        if let tokenError { return answer(path: Self.ticketPath, errcode: tokenError, errmsg: tokenError == 42001 ? "access_token expired" : "invalid credential", appID: appID, body: []) }
        guard let appID, query["type"] == "jsapi" || query["type"] == "wx_card" else {
            return answer(path: Self.ticketPath, errcode: 40097, errmsg: "invalid args", appID: appID, body: [])
        }
        let ticket = state.withLock { state -> String in
            if let current = state.web.tickets[appID], current.expiresAt > .now { return current.value }
            state.web.issued += 1
            let value = "FAKETICKET\(state.web.issued)x\(UInt32.random(in: 0...UInt32.max))"
            state.web.tickets[appID] = FakeWebState.Ticket(value: value, expiresAt: .now + .seconds(tokenLifetimeSeconds))
            return value
        }
        record(FakeWeChatCall(path: Self.ticketPath, status: 200, errcode: 0, appID: appID, message: nil, body: "", receivedAt: WallClock.milliseconds()))
        return Self.json(#"{"errcode":0,"errmsg":"ok","ticket":"\#(ticket)","expires_in":\#(tokenLifetimeSeconds)}"#)
    }

    /// What the stand-in `wx.config` sends: the config and the page's own URL.
    private struct ConfigCheck: Decodable {
        var appId: String
        var timestamp: Int64
        var nonceStr: String
        var signature: String
        var url: String
    }

    private func verifyJSSDK(_ request: Request) async -> Response {
        let body = await Self.body(of: request)
        func result(_ message: String) -> Response {
            record(
                FakeWeChatCall(
                    path: Self.jssdkVerifyPath, status: 200, errcode: message == "config:ok" ? 0 : 63002, appID: nil, message: nil, body: String(decoding: body, as: UTF8.self),
                    receivedAt: WallClock.milliseconds()))
            return Response(
                status: .ok, headers: [.contentType: "application/json; charset=utf-8", .accessControlAllowOrigin: "*"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: Self.encode(["errMsg": .string(message)]))))
        }
        guard let check = try? JSONDecoder().decode(ConfigCheck.self, from: Data(body)) else { return result("config:invalid arguments") }
        let ticket = state.withLock { state -> String? in
            guard state.apps[check.appId] != nil, let ticket = state.web.tickets[check.appId], ticket.expiresAt > .now else { return nil }
            return ticket.value
        }
        guard let ticket else { return result("config:invalid signature") }
        let page = check.url.split(separator: "#", maxSplits: 1).first.map(String.init) ?? check.url
        let expected = JSSDKSignature.sign(ticket: ticket, nonce: check.nonceStr, timestamp: check.timestamp, url: page)
        return result(expected == check.signature ? "config:ok" : "config:invalid signature")
    }

    private static func unionID(of openID: String) -> String { "UNION" + openID.dropFirst(1) }

    private static func encode(_ object: [String: JSONValue]) -> String {
        (try? JSONEncoder().encode(object)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}

/// An errcode and errmsg the fake answers.
struct FakeWebError: Error {
    var errcode: Int
    var errmsg: String

    init(_ errcode: Int, _ errmsg: String) {
        self.errcode = errcode
        self.errmsg = errmsg
    }
}
