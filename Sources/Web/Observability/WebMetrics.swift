import CoreMetrics
import Metrics
import Prometheus
import Shared

/// The `web` service's metrics, rendered by `GET /metrics`:
/// - `wechat_web_oauth_exchanges_total{outcome}`: callbacks by what became of their code: `exchanged`
///   (WeChat asked once), `reused` (a repeated or concurrent callback reused that exchange), `expired_code`
///   (40029/40163), `failed`;
/// - `wechat_web_oauth_refused_total{reason}`: `state` (unknown, used or mismatched), `return_url`
///   (off `WEB_ALLOWED_RETURN`), `declined` (the user refused);
/// - `wechat_web_jssdk_signatures_total{outcome}`: `signed` or `refused` (URL off `WEB_JSSDK_DOMAINS`, `&amp;`, malformed);
/// - `wechat_web_ticket_fetches_total`: jsapi_tickets fetched from WeChat by this process;
/// - `wechat_web_token_refreshes_total`: access_tokens fetched by this process (for the ticket);
/// - `wechat_web_rate_limited_total`: requests answered 429.
struct WebMetrics: Sendable {
    let registry: PrometheusCollectorRegistry
    let ticketFetches: CoreMetrics.Counter
    let tokenRefreshes: CoreMetrics.Counter
    let rateLimited: CoreMetrics.Counter
    private let exchanges: [Exchange: CoreMetrics.Counter]
    private let refusals: [Refusal: CoreMetrics.Counter]
    private let signatures: [Bool: CoreMetrics.Counter]

    init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        let factory = PrometheusMetricsFactory(registry: registry)
        ticketFetches = CoreMetrics.Counter(label: "wechat_web_ticket_fetches_total", factory: factory)
        tokenRefreshes = CoreMetrics.Counter(label: "wechat_web_token_refreshes_total", factory: factory)
        rateLimited = CoreMetrics.Counter(label: "wechat_web_rate_limited_total", factory: factory)
        var exchanges: [Exchange: CoreMetrics.Counter] = [:]
        for exchange in Exchange.allCases {
            exchanges[exchange] = CoreMetrics.Counter(label: "wechat_web_oauth_exchanges_total", dimensions: [("outcome", exchange.rawValue)], factory: factory)
        }
        self.exchanges = exchanges
        var refusals: [Refusal: CoreMetrics.Counter] = [:]
        for refusal in Refusal.allCases {
            refusals[refusal] = CoreMetrics.Counter(label: "wechat_web_oauth_refused_total", dimensions: [("reason", refusal.rawValue)], factory: factory)
        }
        self.refusals = refusals
        signatures = Dictionary(
            uniqueKeysWithValues: [true, false].map { signed in
                (signed, CoreMetrics.Counter(label: "wechat_web_jssdk_signatures_total", dimensions: [("outcome", signed ? "signed" : "refused")], factory: factory))
            })
    }

    /// What became of a callback's code.
    enum Exchange: String, CaseIterable {
        case exchanged, reused
        case expiredCode = "expired_code"
        case failed
    }

    /// Why a sign-in was refused.
    enum Refusal: String, CaseIterable {
        case state
        case returnURL = "return_url"
        case declined
    }

    func record(_ exchange: Exchange) {
        exchanges[exchange]?.increment()
    }

    func record(_ refusal: Refusal) {
        refusals[refusal]?.increment()
    }

    func recordSignature(signed: Bool) {
        signatures[signed]?.increment()
    }

    func render() -> [UInt8] {
        registry.emitToBuffer()
    }
}
