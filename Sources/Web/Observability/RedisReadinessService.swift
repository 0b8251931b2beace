import ServiceLifecycle
import Shared

/// Runs the ``RedisReadiness`` probe behind `/readyz` until graceful shutdown.
struct RedisReadinessService: Service {
    let readiness: RedisReadiness

    func run() async throws {
        try await cancelWhenGracefulShutdown { await readiness.run() }
    }
}
