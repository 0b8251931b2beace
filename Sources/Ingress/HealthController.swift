import CoreMetrics
import Hummingbird
import Shared

#if canImport(Glibc)
import Glibc
#endif

/// `GET /healthz` (the process answers), `GET /readyz` (a message sent now would be kept: Redis answered
/// recently, or the spool can take it) and `GET /metrics` (Prometheus text), for load balancers,
/// Kubernetes probes and Prometheus. None of them waits on Redis: `/readyz` reads the state that
/// ``ReadinessProbe`` keeps in the background.
struct HealthController: Sendable {
    let probe: ReadinessProbe
    let spool: Spool
    let settings: IngressSettings
    let metrics: IngressMetrics

    func addRoutes(to router: Router<some RequestContext>) {
        router.get("/healthz") { _, _ in WeChatController.plain(.ok, "ok\n") }
        router.get("/readyz") { _, _ -> Response in
            if probe.redisAnswersRecently { return WeChatController.plain(.ok, "ready\n") }
            if spoolWritable { return WeChatController.plain(.ok, "ready (Redis unreachable, spooling)\n") }
            return WeChatController.plain(.serviceUnavailable, "not ready: Redis unreachable and the spool is full or not writable\n")
        }
        router.get("/metrics") { _, _ -> Response in
            metrics.spoolRecords.record(spool.gauge.records)
            metrics.spoolBytes.record(spool.gauge.bytes)
            return Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: metrics.render()))
            )
        }
    }

    /// The spool has room for one more message of the largest accepted size, and its folder is writable.
    private var spoolWritable: Bool {
        let room = settings.maximumBodyBytes * 3 / 2 + SpoolFormat.headerSize + 64  // the envelope is larger than the body
        return spool.gauge.bytes + room <= settings.spoolMaximumBytes && access(spool.directory, W_OK) == 0
    }
}
