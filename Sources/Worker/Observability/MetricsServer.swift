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
        router.get("/healthz") { _, _ -> Response in
            Self.text(.ok, "ok\n")
        }
        router.get("/readyz") { _, _ -> Response in
            let status = readiness.status
            return status.ready ? Self.text(.ok, "ready\n") : Self.text(.serviceUnavailable, "not ready: \(status.reason)\n")
        }
        router.get("/metrics") { _, _ -> Response in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: metrics.render())))
        }
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

    private static func text(_ status: HTTPResponse.Status, _ body: String) -> Response {
        Response(status: status, headers: [.contentType: "text/plain; charset=utf-8"], body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }
}
