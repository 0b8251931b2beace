import Hummingbird
import NIOCore

/// The three routes every service answers for the cluster, the same way in the ingress, the worker and
/// `web`: `GET /healthz` (the process answers; never asks Redis), `GET /readyz` (200 or 503 with one line
/// saying why, read from state kept in the background, never waiting) and `GET /metrics` (Prometheus text).
/// Each service says what ready means and how its metrics render:
///
///     ServiceEndpoints(readiness: readiness, metrics: { metrics.render() }).addRoutes(to: router)
public struct ServiceEndpoints: Sendable {
    /// What `/readyz` answers: 200 when `ready`, else 503, with `line` as the body.
    public struct Readiness: Sendable, Equatable {
        public var ready: Bool
        public var line: String

        public init(ready: Bool, line: String) {
            self.ready = ready
            self.line = line
        }

        public static let ready = Readiness(ready: true, line: "ready")

        public static func notReady(_ reason: String) -> Readiness { Readiness(ready: false, line: "not ready: \(reason)") }
    }

    let readiness: @Sendable () -> Readiness
    let metrics: @Sendable () -> [UInt8]

    /// - Parameters:
    ///   - readiness: called for each `/readyz`; must answer at once.
    ///   - metrics: the Prometheus text, called for each `/metrics`.
    public init(readiness: @escaping @Sendable () -> Readiness, metrics: @escaping @Sendable () -> [UInt8]) {
        self.readiness = readiness
        self.metrics = metrics
    }

    /// Ready while Redis answered the background probe recently (the worker's and `web`'s meaning).
    public init(readiness: RedisReadiness, metrics: @escaping @Sendable () -> [UInt8]) {
        self.init(
            readiness: {
                let status = readiness.status
                return status.ready ? .ready : .notReady(status.reason)
            }, metrics: metrics)
    }

    public func addRoutes(to router: Router<some RequestContext>) {
        let readiness = self.readiness
        let metrics = self.metrics
        router.get("/healthz") { _, _ in Response.plainText(.ok, "ok\n") }
        router.get("/readyz") { _, _ in
            let answer = readiness()
            return Response.plainText(answer.ready ? .ok : .serviceUnavailable, answer.line + "\n")
        }
        router.get("/metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: metrics())))
        }
    }
}
