import Hummingbird
import Shared

/// `GET /healthz` (the process answers) and `GET /readyz` (Redis answers), for load balancers and
/// Kubernetes probes.
struct HealthController {
    let redis: RedisClient

    func addRoutes(to router: Router<some RequestContext>) {
        router.get("/healthz") { _, _ in "ok\n" }
        router.get("/readyz") { _, _ -> Response in
            do {
                try await redis.send("PING")
                return Response(status: .ok, body: ResponseBody(byteBuffer: ByteBuffer(string: "ready\n")))
            } catch {
                return Response(status: .serviceUnavailable, body: ResponseBody(byteBuffer: ByteBuffer(string: "redis unreachable\n")))
            }
        }
    }
}
