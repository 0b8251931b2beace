import CoreMetrics
import Logging
import ServiceLifecycle
import Shared

/// Keeps the ingress's view of the queues current: records the backlog (messages in all users' queues)
/// against its cap and the spool's depth in the metrics, and warns as a backlog nears the cap. With
/// several accounts the cap is each account's, so the gauge shows the fullest account's backlog and the
/// warning names the account.
struct QueueMonitorService: Service {
    let queue: InboundQueue
    /// Every account served (nil: only ``queue``).
    var accounts: IngressAccounts?
    let spool: Spool
    let metrics: IngressMetrics
    let logger: Logger
    var interval: Duration = .seconds(5)

    func run() async throws {
        metrics.streamMaximumLength.record(queue.maximumLength)
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let watched: [(name: String?, queue: InboundQueue)] = accounts.map { $0.all.map { ($0.account.name, $0.queue) } } ?? [(nil, queue)]
            var fullest: Int?
            for (name, watchedQueue) in watched {
                guard let backlog = try? await watchedQueue.backlog() else { continue }
                fullest = max(fullest ?? 0, backlog)
                if backlog >= Int(Double(watchedQueue.maximumLength) * 0.8) {
                    let whose = name.map { "\($0)'s queue" } ?? "the queue"
                    logger.warning("\(whose) holds \(backlog) messages, near QUEUE_MAXLEN \(watchedQueue.maximumLength): past it new pushes are answered 503; add workers")
                }
            }
            if let fullest { metrics.streamLength.record(fullest) }
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
