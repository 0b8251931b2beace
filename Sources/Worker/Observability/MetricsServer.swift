import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Shared

/// The worker's HTTP endpoints on `WORKER_METRICS_HOST:WORKER_METRICS_PORT`:
/// - `GET /healthz`: liveness, the process answers; it never asks Redis, so a Redis outage does not get
///   every worker restarted (which would cancel in-flight sends and cause duplicates);
/// - `GET /readyz`: readiness, 200 while Redis answered the background probe's last `PING` within its
///   short timeout (``RedisReadiness``), else 503 with the reason; answered at once from that state;
/// - `GET /metrics`: Prometheus text.
///
/// A port that cannot be bound (two workers on one host with the same port) is logged, and the worker
/// goes on consuming without metrics: losing the metrics endpoint must not stop the replies.
struct MetricsServer: Service {
    let host: String
    let port: Int
    let redis: RedisClient
    let metrics: WorkerMetrics
    let logger: Logger

    func run() async throws {
        let readiness = RedisReadiness(redis: redis)
        let router = Router()
        let metrics = self.metrics
        ServiceEndpoints(readiness: readiness, metrics: { metrics.render() }).addRoutes(to: router)
        let logger = self.logger
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(host, port: port), serverName: "wechat-relay-worker"),
            onServerRunning: { channel in logger.info("metrics on http://\(host):\(channel.localAddress?.port ?? port)/metrics") },
            logger: logger
        )
        await withDiscardingTaskGroup { group in
            group.addTask { await readiness.run() }
            do {
                try await app.run()
            } catch {
                logger.error("metrics server on \(host):\(port) failed: \(error); consuming goes on without /metrics")
                try? await gracefulShutdown()
            }
            group.cancelAll()
        }
    }
}
