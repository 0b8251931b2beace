import CoreMetrics
import Logging
import ServiceLifecycle
import Shared

/// Keeps the ingress's view of the queue current: makes sure the consumer group exists whenever Redis
/// answers (at id `0`, so messages queued before any worker ran are delivered; checked every tick, so a
/// Redis that restarted empty gets it back), and records the stream length against its cap and the
/// spool's depth in the metrics.
struct QueueMonitorService: Service {
    let queue: InboundQueue
    let spool: Spool
    let metrics: IngressMetrics
    let logger: Logger
    var interval: Duration = .seconds(5)

    func run() async throws {
        metrics.streamMaximumLength.record(queue.maximumLength)
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                try await queue.ensureConsumerGroup()
            } catch {
                logger.debug("consumer group not checked: \(error)")
            }
            if let length = try? await queue.redis.send("XLEN", RedisArgument(queue.keys.inbound)).integer {
                metrics.streamLength.record(length)
                if length >= Int64(Double(queue.maximumLength) * 0.8) {
                    logger.warning("the stream holds \(length) entries, near its MAXLEN of \(queue.maximumLength): unfinished messages will be trimmed; add workers")
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
