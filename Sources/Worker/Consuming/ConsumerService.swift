import Logging
import ServiceLifecycle
import Shared

/// The consuming side of one account in a worker process: holds up to its share of `WORKER_CONCURRENCY`
/// users at once (one lease each, slots reserved in the process's ``SlotPool``, shared fairly with the
/// other accounts), handles each held user's messages one after the other, and takes more users as slots
/// free up.
///
/// - takes due users with one script call for all free slots (``LeaseQueue/take(count:)``); when none is
///   due, waits on the wake-up list (`BLPOP`, at most 1 s or until the next retry is due);
/// - a slot keeps its user for the next message while its lease of the user is younger than
///   `WORKER_FAIR_SLICE_MS` or no other user is due; otherwise it hands the user back and takes the user
///   due longest in the same script call (round-robin), so one user's backlog holds one slot and never
///   more, jumps the line for at most the slice, and a busy slot needs no separate take;
/// - on graceful shutdown stops taking, lets in-flight messages finish up to `shutdownGrace`, then
///   cancels the rest and releases their users (head untouched) for other workers.
///
/// The heartbeat (``LeaseHeartbeatService``) and the reaper (``LeaseReaperService``) run beside it as
/// services of their own.
struct ConsumerService: Service {
    let queue: LeaseQueue
    let processor: MessageProcessor
    let board: LeaseBoard
    /// The process's slots, shared with its other accounts' consumers.
    let pool: SlotPool
    /// The account's name in the pool and the logs (its appid unless named).
    let account: String
    let shutdownGrace: Duration
    let logger: Logger

    private enum Child: Sendable {
        case slot, deadline
    }

    func run() async throws {
        guard await queue.redis.waitUntilReachable(logger: logger) else { return }
        logger.info("consuming the users' queues of \(queue.keys.prefix) as \(queue.consumer) (concurrency \(pool.capacity) users, shared by the process's accounts)")
        await withTaskGroup(of: Child.self) { group in
            var slots = 0
            var failures = 0
            while !Task.isShuttingDownGracefully && !Task.isCancelled {
                let wanted = pool.capacity - slots
                if wanted <= 0 {
                    if case .slot = await group.next() {
                        slots -= 1
                        board.uncountFinishedSlot()
                    }
                    slots -= await collectFinished(&group)
                    continue
                }
                let free = pool.reserve(account, wanted: wanted)
                if free == 0 {
                    // Every slot is held (by this account or others): ask for one only with work due, and look
                    // again shortly, since another account's slot ends between its messages.
                    if (try? await queue.hasDueUsers()) == true {
                        pool.ask(account)
                        try? await Task.sleep(for: .milliseconds(20))
                    } else {
                        pool.withdraw(account)
                        do { try await queue.waitForWork(timeout: .milliseconds(200)) } catch { try? await Task.sleep(for: .milliseconds(100)) }
                    }
                    slots -= await collectFinished(&group)
                    continue
                }
                let grant: LeaseQueue.Grant
                do {
                    grant = try await queue.take(count: free)
                    failures = 0
                    pool.release(account, count: free - grant.leases.count)
                } catch {
                    pool.release(account, count: free)
                    failures += 1
                    if failures == 1 || failures % 30 == 0 { logger.warning("taking users from \(queue.keys.ready) failed: \(error); retrying") }
                    let pause = Duration.milliseconds(min(1_000, 100 * failures))
                    try? await cancelWhenGracefulShutdown { try await Task.sleep(for: pause) }
                    continue
                }
                if grant.leases.isEmpty {
                    let wait = min(grant.nextDue ?? .seconds(1), .seconds(1))
                    // Returns early on a wake-up; a finished slot does not interrupt it (it only matters when
                    // users are due, which signals the list).
                    do { try await queue.waitForWork(timeout: wait) } catch { try? await Task.sleep(for: .milliseconds(100)) }
                    slots -= await collectFinished(&group)
                    continue
                }
                for lease in grant.leases {
                    board.hold(lease)
                    slots += 1
                    group.addTask {
                        await serve(lease)
                        return .slot
                    }
                }
                slots -= await collectFinished(&group)
            }
            if slots > 0 {
                logger.info("shutting down: waiting for \(slots) users in flight (at most \(shutdownGrace))")
                let grace = shutdownGrace
                group.addTask {
                    try? await Task.sleep(for: grace)
                    return .deadline
                }
                while slots > 0, let child = await group.next() {
                    switch child {
                    case .slot: slots -= 1
                    case .deadline:
                        logger.warning("shutdown deadline reached: \(slots) users handed back to the queue for other workers")
                        group.cancelAll()
                    }
                }
            }
            group.cancelAll()
        }
        logger.info("consumer \(queue.consumer) stopped")
    }

    /// Reaps the slots that have finished since last time (their tasks return at once).
    private func collectFinished(_ group: inout TaskGroup<Child>) async -> Int {
        let finished = board.takeFinishedSlots()
        for _ in 0..<max(0, finished) { _ = await group.next() }
        return max(0, finished)
    }

    /// Runs one slot: handles a held user's messages, and the users completing hands it, until it is free
    /// (nothing due, a retry scheduled, the lease lost) or the process stops.
    private func serve(_ first: Lease) async {
        var lease = first
        while true {
            let keepGoing = !Task.isShuttingDownGracefully
            let step = await processor.process(lease, keepGoing: keepGoing)
            if case .leftPending = step.outcome {
                // Cancelled or Redis unreachable: hand the user back at once when Redis answers, else the
                // reaper does after the lease expires.
                _ = try? await queue.release(lease)
            }
            guard let next = step.next else { break }
            if pool.shouldYield(account) {
                // Another account waits for a slot and this one holds more than its share: hand the next
                // user back (its head untouched) and free the slot.
                _ = try? await queue.release(next)
                if next.token != lease.token { board.drop(lease) }
                lease = next
                break
            }
            if next.token != lease.token {
                board.drop(lease)
                board.hold(next)
            }
            lease = next
        }
        board.drop(lease)
        pool.release(account)
        board.slotFinished()
    }
}
