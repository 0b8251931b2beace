import Hummingbird
import JWTKit
import Logging
import Shared

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Web-page OAuth (网页授权) for pages opened inside WeChat, and the hand-off of the signed-in user to
/// the team's own web app:
/// - `GET /oauth/start?return=URL&scope=base|userinfo` → 302 to WeChat's authorize page, with a random
///   one-use `state` kept in Redis with the return URL (which must be on `WEB_ALLOWED_RETURN`);
/// - `GET /oauth/callback?code&state` → exchanges the code once (``CodeExchange``), then sets the
///   `wx_session` cookie (a JWT) and 302s to the return URL with `wx_ticket=…` appended;
/// - `POST /oauth/redeem` (`{"ticket":"…"}` or `ticket=…`) → `{"session": JWT, "openid": …}`, once;
/// - `GET /oauth/me` → who the session (cookie or `Authorization: Bearer`) belongs to, for single-page apps;
/// - `GET /oauth/userinfo` → `/sns/userinfo` for a `userinfo` session, refreshing the web-auth token;
/// - `GET /oauth/logout?return=URL` → clears the cookie.
struct OAuthController: Sendable {
    static let cookieName = "wx_session"

    let settings: WebSettings
    let appID: String
    let states: OAuthStateStore
    let exchange: CodeExchange
    let signer: SessionSigner
    let handoff: HandoffTickets
    let profiles: WebUserProfiles
    let metrics: WebMetrics
    let logger: Logger

    func addRoutes(to router: some RouterMethods<WebRequestContext>) {
        router.get("/oauth/start") { request, _ in await self.start(request) }
        router.get("/oauth/callback") { request, _ in await self.callback(request) }
        router.post("/oauth/redeem") { request, _ in await self.redeem(request) }
        router.get("/oauth/me") { request, _ in await self.me(request) }
        router.get("/oauth/userinfo") { request, _ in await self.userInfo(request) }
        router.get("/oauth/logout") { request, _ in self.logout(request) }
        for path in ["/oauth/me", "/oauth/userinfo", "/oauth/redeem"] {
            router.on(RouterPath(path), method: .options) { request, _ in
                Response(status: .noContent, headers: self.corsHeaders(request, methods: "GET, POST"))
            }
        }
    }

    // MARK: Sign-in

    func start(_ request: Request) async -> Response {
        let query = request.uri.queryParameters
        let scopeText = query["scope"].map(String.init) ?? "base"
        guard let scope = OAuthScope(rawValue: scopeText) else {
            return WebPage.message(.badRequest, title: "Sign-in link is wrong", text: "scope must be base or userinfo, not '\(scopeText)'.")
        }
        guard let returnText = query["return"].map(String.init), !returnText.isEmpty else {
            return WebPage.message(.badRequest, title: "Sign-in link is wrong", text: "The link has no return parameter: /oauth/start?return=URL.")
        }
        guard let returnURL = allowedReturn(returnText) else {
            metrics.record(.returnURL)
            return WebPage.message(
                .badRequest, title: "Sign-in link is not allowed",
                text: "The return address is not one this service may send you to (WEB_ALLOWED_RETURN).")
        }
        return await authorize(OAuthState(returnURL: returnURL, scope: scope, restarted: false))
    }

    /// Stores a new state for `flow` and sends the browser to WeChat's authorize page.
    private func authorize(_ flow: OAuthState) async -> Response {
        let state: String
        do {
            state = try await states.create(flow)
        } catch {
            logger.error("could not store a sign-in state: \(error)")
            return WebPage.message(.serviceUnavailable, title: "Sign-in is unavailable", text: "The service cannot store the sign-in right now. Try again in a moment.")
        }
        let query = [
            ("appid", appID), ("redirect_uri", settings.callbackURL), ("response_type", "code"), ("scope", flow.scope.wechatName),
            ("state", state), ("connect_redirect", "1"),
        ].map { "\($0.0)=\(PercentEncoding.encode($0.1))" }.joined(separator: "&")
        return WebPage.redirect(to: "\(settings.openBase)/connect/oauth2/authorize?\(query)#wechat_redirect")
    }

    func callback(_ request: Request) async -> Response {
        let query = request.uri.queryParameters
        guard let state = query["state"].map(String.init), RandomToken.isWellFormed(state) else {
            metrics.record(.state)
            return WebPage.message(.badRequest, title: "Sign-in link is wrong", text: "The link has no valid state parameter.")
        }
        guard let code = query["code"].map(String.init), !code.isEmpty else {
            return await declined(state: state)
        }
        guard code.utf8.count <= 512 else {
            return WebPage.message(.badRequest, title: "Sign-in link is wrong", text: "The code in the link is not one WeChat issues.")
        }
        switch await exchange.run(code: code, state: state) {
        case .signedIn(let login, let reused):
            metrics.record(reused ? .reused : .exchanged)
            return await handOff(login)
        case .refusedState:
            metrics.record(.state)
            logger.notice("refused a sign-in callback: its state is unknown, used, expired or not the code's")
            return WebPage.message(
                .forbidden, title: "This sign-in link was already used or has expired",
                text: "For your safety each sign-in link works once and for ten minutes. Open the page again to sign in.")
        case .expiredCode(let flow):
            metrics.record(.expiredCode)
            if let flow, !flow.restarted {
                logger.info("the OAuth code was invalid or used (40029/40163); restarting the sign-in once")
                return await authorize(OAuthState(returnURL: flow.returnURL, scope: flow.scope, restarted: true))
            }
            return WebPage.message(
                .badRequest, title: "The sign-in code expired",
                text: "WeChat's sign-in code was already used or is older than five minutes. Open the page again to sign in.",
                retry: flow.map { startLink(returnURL: $0.returnURL, scope: $0.scope) })
        case .failed(let reason):
            metrics.record(.failed)
            logger.warning("sign-in failed: \(reason)")
            return WebPage.message(.badGateway, title: "WeChat did not answer", text: "The sign-in could not be completed. Open the page again in a moment.")
        }
    }

    /// The user refused (`userinfo` scope): WeChat calls back with the state and no code.
    private func declined(state: String) async -> Response {
        metrics.record(.declined)
        let flow = try? await states.consume(state)
        return WebPage.message(
            .ok, title: "You did not allow the sign-in", text: "The page needs your permission to know who you are.",
            retry: flow.map { startLink(returnURL: $0.returnURL, scope: $0.scope) })
    }

    /// Sets the session cookie and sends the browser back with a one-time ticket.
    private func handOff(_ login: WebLogin) async -> Response {
        let jwt: String
        let ticket: String
        do {
            jwt = try await signer.sign(login)
            ticket = try await handoff.issue(session: jwt)
        } catch {
            logger.error("could not hand the session over: \(error)")
            return WebPage.message(.serviceUnavailable, title: "Sign-in is unavailable", text: "The session could not be created. Try again in a moment.")
        }
        let destination = WebURL(login.returnURL)?.appendingQueryItem("wx_ticket", ticket) ?? login.returnURL
        var response = WebPage.redirect(to: destination)
        response.setCookie(sessionCookie(jwt, maxAge: settings.sessionLifetimeSeconds))
        return response
    }

    // MARK: The session

    func redeem(_ request: Request) async -> Response {
        let cors = corsHeaders(request, methods: "GET, POST")
        guard let body = try? await request.body.collect(upTo: 4096) else {
            return WebPage.error(.contentTooLarge, "the body must be at most 4096 bytes", headers: cors)
        }
        let text = String(buffer: body)
        let ticket: String?
        if let object = try? JSONDecoder().decode([String: String].self, from: Data(text.utf8)) {
            ticket = object["ticket"]
        } else {
            ticket = text.split(separator: "&").first { $0.hasPrefix("ticket=") }.map { String($0.dropFirst(7)) }
        }
        guard let ticket, !ticket.isEmpty else { return WebPage.error(.badRequest, #"send {"ticket":"…"} from the return URL's wx_ticket"#, headers: cors) }
        let jwt: String?
        do {
            jwt = try await handoff.redeem(ticket)
        } catch {
            return WebPage.error(.serviceUnavailable, "the session store is unavailable", headers: cors)
        }
        guard let jwt, let session = await signer.verify(jwt) else {
            return WebPage.error(.notFound, "unknown, used or expired ticket (tickets work once, for two minutes)", headers: cors)
        }
        return WebPage.json(.ok, Redeemed(session: jwt, identity: SessionIdentity(session)), headers: cors)
    }

    func me(_ request: Request) async -> Response {
        let cors = corsHeaders(request, methods: "GET, POST")
        guard let session = await session(of: request) else {
            return WebPage.error(.unauthorized, "not signed in", start: "/oauth/start", headers: cors)
        }
        return WebPage.json(.ok, SessionIdentity(session), headers: cors)
    }

    func userInfo(_ request: Request) async -> Response {
        let cors = corsHeaders(request, methods: "GET, POST")
        guard let session = await session(of: request) else {
            return WebPage.error(.unauthorized, "not signed in", start: "/oauth/start", headers: cors)
        }
        guard session.scope == OAuthScope.userinfo.rawValue else {
            return WebPage.error(.forbidden, "this session was signed in with scope=base; sign in with scope=userinfo", start: "/oauth/start?scope=userinfo", headers: cors)
        }
        switch await profiles.profile(openID: session.sub.value) {
        case .profile(let profile):
            return WebPage.json(.ok, profile, headers: cors)
        case .reauthorize(let reason):
            return WebPage.error(.unauthorized, reason, start: "/oauth/start?scope=userinfo", headers: cors)
        case .unavailable(let error):
            logger.warning("/sns/userinfo failed: \(error)")
            return WebPage.error(.badGateway, "WeChat did not give the profile (\(error.reason)); try again", headers: cors)
        }
    }

    func logout(_ request: Request) -> Response {
        let target = request.uri.queryParameters["return"].flatMap { allowedReturn(String($0)) } ?? "/"
        var response = WebPage.redirect(to: target)
        response.setCookie(sessionCookie("", maxAge: 0))
        return response
    }

    /// The session in the `wx_session` cookie or an `Authorization: Bearer` header, when valid.
    private func session(of request: Request) async -> WebSession? {
        if let authorization = request.headers[.authorization], authorization.lowercased().hasPrefix("bearer ") {
            return await signer.verify(authorization.dropFirst(7))
        }
        guard let cookie = request.cookies[Self.cookieName] else { return nil }
        return await signer.verify(cookie.value)
    }

    private func sessionCookie(_ value: String, maxAge: Int) -> Cookie {
        Cookie(
            name: Self.cookieName, value: value, maxAge: maxAge, domain: settings.cookieDomain, path: "/", secure: settings.secureCookies,
            httpOnly: true, sameSite: .lax)
    }

    // MARK: Checks

    /// The return URL when it may be used: absolute and under `WEB_ALLOWED_RETURN`, or a path on this
    /// service (`/demo`), which is made absolute. Anything else (other hosts, `//host`, `\`) is nil.
    func allowedReturn(_ text: String) -> String? {
        if text.hasPrefix("/"), !text.hasPrefix("//") {
            return allowedReturn(settings.publicBase + text)
        }
        guard let url = WebURL(text), settings.allowedReturn.contains(where: { $0.matches(url) }) else { return nil }
        return url.text
    }

    private func startLink(returnURL: String, scope: OAuthScope) -> String {
        "/oauth/start?scope=\(scope.rawValue)&return=\(PercentEncoding.encode(returnURL))"
    }

    /// CORS for the allowed return origins, with credentials (the session cookie).
    private func corsHeaders(_ request: Request, methods: String) -> HTTPFields {
        WebSettings.corsHeaders(request, origins: settings.allowedReturn, methods: methods, credentials: true)
    }
}
