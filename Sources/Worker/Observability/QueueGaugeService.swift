import ServiceLifecycle
import Shared

/// Refreshes the queue gauges (`worker status`'s figures) every `WORKER_GAUGE_INTERVAL`.
struct QueueGaugeService: Service {
    let redis: RedisClient
    let keys: QueueKeys
    let metrics: WorkerMetrics
    let interval: Duration

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            if let status = try? await QueueStatus.read(redis: redis, keys: keys) { metrics.record(status) }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }
}
