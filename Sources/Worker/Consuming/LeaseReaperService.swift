import Logging
import ServiceLifecycle
import Shared

/// Hands back users whose lease expired (their worker crashed, hung or stalled) every
/// `WORKER_CLAIM_IDLE / 3`, head intact, and dead-letters a head whose lease expired
/// `WORKER_MAX_DELIVERIES` times (a message that kills or hangs its worker), so the user's next message
/// goes on. Every worker runs it; the script makes concurrent runs harmless.
///
/// It reaps only after this process has reached Redis for a whole lease without a failure. After a Redis
/// outage (or restart) every lease looks expired by Redis's clock, but the live holders are still working
/// and extend their leases within a third of one with their next heartbeat: reaping at once would hand
/// their users to another worker, which would send a reply the holder was about to record (a duplicate).
struct LeaseReaperService: Service {
    let queue: LeaseQueue
    let maximumStalls: Int
    let metrics: WorkerMetrics
    let logger: Logger

    func run() async throws {
        let interval = min(max(queue.leaseDuration / 3, .milliseconds(50)), .seconds(5))
        var reachableSince: ContinuousClock.Instant?
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            do {
                guard let since = reachableSince, ContinuousClock.now - since >= queue.leaseDuration else {
                    try await queue.redis.send("PING")
                    if reachableSince == nil { reachableSince = .now }
                    continue
                }
                let result = try await queue.reap(maximumStalls: maximumStalls)
                if result.reaped > 0 {
                    logger.info("\(result.reaped) users whose worker stopped answering were handed back to the queue")
                }
                if result.deadLettered > 0 {
                    for _ in 0..<result.deadLettered { metrics.record(.deadLettered(reason: .tooManyDeliveries)) }
                    logger.warning("\(result.deadLettered) messages dead-lettered after \(maximumStalls) expired leases (too-many-deliveries)")
                }
            } catch {
                reachableSince = nil
                logger.debug("reaping failed: \(error)")
            }
        }
    }
}
