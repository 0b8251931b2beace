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
        let metrics = self.metrics
        let spool = self.spool
        ServiceEndpoints(
            readiness: { readiness },
            metrics: {
                metrics.spoolRecords.record(spool.gauge.records)
                metrics.spoolBytes.record(spool.gauge.bytes)
                return metrics.render()
            }
        ).addRoutes(to: router)
    }

    /// Redis answered recently, or the spool can take a message.
    var readiness: ServiceEndpoints.Readiness {
        if probe.redisAnswersRecently { return .ready }
        if spoolWritable { return ServiceEndpoints.Readiness(ready: true, line: "ready (Redis unreachable, spooling)") }
        return .notReady("Redis unreachable and the spool is full or not writable")
    }

    /// The spool has room for one more message of the largest accepted size, and its folder is writable.
    private var spoolWritable: Bool {
        let room = settings.maximumBodyBytes * 3 / 2 + SpoolFormat.headerSize + 64  // the envelope is larger than the body
        return spool.gauge.bytes + room <= settings.spoolMaximumBytes && access(spool.directory, W_OK) == 0
    }
}
