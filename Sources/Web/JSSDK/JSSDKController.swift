import Hummingbird
import Logging
import Shared

/// `GET /jssdk/config?url=…` → `{appId, timestamp, nonceStr, signature, url}` for `wx.config`, signed
/// with the account's shared jsapi_ticket (``JSAPITicketProvider``).
///
/// The URL is the page's own `location.href.split('#')[0]`, passed by the page (never this endpoint's
/// URL, which is the classic "invalid signature"): a fragment is dropped, an HTML-escaped `&amp;` is
/// refused with a clear error (it would be signed as is and fail), and the scheme, host and port must be
/// on `WEB_JSSDK_DOMAINS` (WeChat's JS-safe domains, written with the scheme so http/https mix-ups show
/// here rather than as `invalid signature`). CORS allows exactly those origins.
struct JSSDKController: Sendable {
    let settings: WebSettings
    let appID: String
    let tickets: JSAPITicketProvider
    let metrics: WebMetrics
    let logger: Logger

    func addRoutes(to router: some RouterMethods<WebRequestContext>) {
        router.get("/jssdk/config") { request, _ in await self.config(request) }
        router.on("/jssdk/config", method: .options) { request, _ in Response(status: .noContent, headers: self.corsHeaders(request)) }
    }

    func config(_ request: Request) async -> Response {
        let cors = corsHeaders(request)
        let url: String
        switch check(request.uri.queryParameters["url"].map(String.init)) {
        case .success(let signed): url = signed
        case .failure(let refusal):
            metrics.recordSignature(signed: false)
            return WebPage.error(.badRequest, refusal.text, headers: cors)
        }
        let ticket: String
        do {
            ticket = try await tickets.ticket()
        } catch {
            logger.warning("no jsapi_ticket: \(error)")
            return WebPage.error(.badGateway, "WeChat did not give a jsapi_ticket (\(error.reason)); try again", headers: cors)
        }
        metrics.recordSignature(signed: true)
        let nonce = RandomToken.make(16)
        let timestamp = WallClock.milliseconds() / 1000
        let signature = JSSDKSignature.sign(ticket: ticket, nonce: nonce, timestamp: timestamp, url: url)
        return WebPage.json(.ok, JSSDKConfig(appId: appID, timestamp: timestamp, nonceStr: nonce, signature: signature, url: url), headers: cors)
    }

    /// Why a URL is not signed.
    struct Refusal: Error {
        var text: String
    }

    /// The URL to sign (without its fragment), or why not.
    func check(_ text: String?) -> Result<String, Refusal> {
        guard let text, !text.isEmpty else {
            return .failure(Refusal(text: "pass the page's URL: /jssdk/config?url=encodeURIComponent(location.href.split('#')[0])"))
        }
        if text.contains("&amp;") {
            return .failure(Refusal(text: "the url holds '&amp;': it was HTML-escaped; pass location.href as is (WeChat signs the raw URL)"))
        }
        guard let url = WebURL(text) else {
            return .failure(Refusal(text: "the url must be the page's absolute http(s) URL"))
        }
        guard settings.jssdkDomains.contains(where: { $0.matches(url) }) else {
            return .failure(Refusal(text: "\(WebOrigin(url: url).origin) is not on WEB_JSSDK_DOMAINS (the console's JS-safe domains, with the scheme): WeChat would answer invalid url domain"))
        }
        return .success(url.withoutFragment)
    }

    private func corsHeaders(_ request: Request) -> HTTPFields {
        WebSettings.corsHeaders(request, origins: settings.jssdkDomains, methods: "GET", credentials: false)
    }
}
