import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Shared

/// `GET /healthz` (the process answers and Redis too) and `GET /metrics` (Prometheus text) on
/// `WORKER_METRICS_HOST:WORKER_METRICS_PORT`.
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
        let router = Router()
        router.get("/healthz") { _, _ -> Response in
            if (try? await redis.send("PING")) != nil { return Self.text(.ok, "ok\n") }
            return Self.text(.serviceUnavailable, "redis unreachable\n")
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
        do {
            try await app.run()
        } catch {
            logger.error("metrics server on \(host):\(port) failed: \(error); consuming goes on without /metrics")
            try? await gracefulShutdown()
        }
    }

    private static func text(_ status: HTTPResponse.Status, _ body: String) -> Response {
        Response(status: status, headers: [.contentType: "text/plain; charset=utf-8"], body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }
}
