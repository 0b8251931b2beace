import Logging
import ServiceLifecycle
import Shared

/// Extends the leases of the users this process holds every `WORKER_CLAIM_IDLE / 3`, only while they are
/// still its own (the script compares tokens, so it never takes back a user another worker took over), and
/// forgets those it lost. Listed before the consumer in the worker's services, so it keeps beating while
/// in-flight messages finish during shutdown.
struct LeaseHeartbeatService: Service {
    let queue: LeaseQueue
    let board: LeaseBoard
    let logger: Logger

    func run() async throws {
        let interval = max(queue.leaseDuration / 3, .milliseconds(50))
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            do {
                let held = board.held
                let gone = Set(try await queue.heartbeat(held))
                // A slot may have finished a user while the heartbeat was on its way: only a lease the board
                // still holds with the same token was taken over.
                let lost = held.filter { gone.contains($0.user) && board.holds($0) }
                if !lost.isEmpty {
                    board.forget(lost)
                    logger.warning("\(lost.count) leases were taken over by other workers (this process stalled past WORKER_CLAIM_IDLE?); their messages will not be sent from here")
                }
            } catch {
                logger.debug("heartbeat failed: \(error)")
            }
        }
    }
}
