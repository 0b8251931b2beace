import CoreMetrics
import Logging
import ServiceLifecycle
import Shared

/// Keeps the ingress's view of the queue current: records the backlog (messages in all users' queues)
/// against its cap and the spool's depth in the metrics, and warns as the backlog nears the cap.
struct QueueMonitorService: Service {
    let queue: InboundQueue
    let spool: Spool
    let metrics: IngressMetrics
    let logger: Logger
    var interval: Duration = .seconds(5)

    func run() async throws {
        metrics.streamMaximumLength.record(queue.maximumLength)
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            if let backlog = try? await queue.backlog() {
                metrics.streamLength.record(backlog)
                if backlog >= Int(Double(queue.maximumLength) * 0.8) {
                    logger.warning("the queue holds \(backlog) messages, near QUEUE_MAXLEN \(queue.maximumLength): past it new pushes are answered 503; add workers")
                }
            }
            if spool.gauge.records > 0 {
                logger.warning("the spool holds \(spool.gauge.records) messages (\(spool.gauge.bytes) bytes) waiting for Redis at \(queue.redis.configuration.url)")
            }
            metrics.spoolRecords.record(spool.gauge.records)
            metrics.spoolBytes.record(spool.gauge.bytes)
            // Wakes at once on SIGTERM, so the ingress stops without waiting out the interval.
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }
}
