import CoreMetrics
import Prometheus

/// The metrics of reaching users, in the worker's registry:
///
/// - `wechat_worker_reach_total{via}`: replies by the way they went: `customer_service`, `template`,
///   `subscribe`, `dropped_part` (a part of a split text the allowance no longer covered), `no_fallback`
///   (window closed or allowance spent and no fallback: dead-lettered as WeChat answered);
/// - `wechat_worker_allowance_overrides_total{errcode}`: times WeChat's 45047/45015 corrected the tracked allowance;
/// - `wechat_worker_template_receipts_total{status}`: `TEMPLATESENDJOBFINISH` receipts by status
///   (`success`, `failed:user block`, `failed: system failed`, … and `unknown` for templates not sent by this relay);
/// - `wechat_worker_media_uploads_total{outcome}`: `uploaded`, `cached` (identical bytes within the cache time), `failed`.
struct ReachMetrics: Sendable {
    private let factory: PrometheusMetricsFactory

    init(registry: PrometheusCollectorRegistry) {
        factory = PrometheusMetricsFactory(registry: registry)
    }

    func reached(via: String) {
        CoreMetrics.Counter(label: "wechat_worker_reach_total", dimensions: [("via", via)], factory: factory).increment()
    }

    func override(errcode: Int) {
        CoreMetrics.Counter(label: "wechat_worker_allowance_overrides_total", dimensions: [("errcode", String(errcode))], factory: factory).increment()
    }

    func receipt(status: String) {
        CoreMetrics.Counter(label: "wechat_worker_template_receipts_total", dimensions: [("status", status)], factory: factory).increment()
    }

    func mediaUpload(_ outcome: String) {
        CoreMetrics.Counter(label: "wechat_worker_media_uploads_total", dimensions: [("outcome", outcome)], factory: factory).increment()
    }
}
