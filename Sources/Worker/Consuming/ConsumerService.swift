import Logging
import ServiceLifecycle
import Shared

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The consuming side of a worker process.
///
/// - reads the inbound stream with `XREADGROUP … BLOCK` (short, so shutdown is noticed), at most
///   `concurrency` messages in flight, one lane per user so a user's messages keep their order;
/// - every `claimIdle / 2` reclaims entries a dead consumer left pending (`XAUTOCLAIM`), dead-lettering
///   one that was delivered too often (a message that kills its worker);
/// - every `claimIdle / 3` refreshes the claim of what it is working on (`XCLAIM … JUSTID`);
/// - every `retryPoll` moves due retries back to the stream, every `trimInterval` trims finished entries;
/// - on graceful shutdown stops reading, lets in-flight messages finish up to `shutdownGrace`, then
///   cancels the rest, which stay pending (never acked) for another worker.
struct ConsumerService: Service {
    let queue: WorkQueue
    let processor: MessageProcessor
    let concurrency: Int
    let settings: WorkerSettings
    let metrics: WorkerMetrics
    let logger: Logger
    /// Redelivered this often (crashes while handling it), a message is dead-lettered instead.
    var maximumDeliveries = 10

    private enum Child: Sendable {
        case lane, background, deadline, shutdown
    }

    func run() async throws {
        guard await queue.redis.waitUntilReachable(logger: logger) else { return }
        let flag = ShutdownFlag()
        await withGracefulShutdownHandler {
            await ensureGroup(flag)
            guard !flag.isSet else { return }
            logger.info("consuming \(queue.keys.inbound) as \(queue.consumer) (concurrency \(concurrency))")
            await consume(flag)
        } onGracefulShutdown: {
            flag.set()
        }
        logger.info("consumer \(queue.consumer) stopped")
    }

    private func ensureGroup(_ flag: ShutdownFlag) async {
        while !flag.isSet {
            do {
                try await queue.ensureGroup()
                return
            } catch {
                logger.warning("cannot create the consumer group: \(error); retrying")
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }

    private func consume(_ flag: ShutdownFlag) async {
        let board = LaneBoard()
        await withTaskGroup(of: Child.self) { group in
            group.addTask { await heartbeat(board); return .background }
            group.addTask { await maintain(); return .background }
            group.addTask { await flag.wait(); return .shutdown }
            var lanes = 0
            var lastReclaim: ContinuousClock.Instant?
            var failures = 0
            while !flag.isSet {
                let capacity = concurrency - board.count
                if capacity <= 0 {
                    if case .lane = await group.next() { lanes -= 1 }
                    continue
                }
                var entries: [StreamEntry] = []
                do {
                    if lastReclaim.map({ ContinuousClock.now - $0 >= settings.claimIdle / 2 }) ?? true {
                        lastReclaim = .now
                        entries = try await reclaim(count: capacity, board: board)
                    }
                    if entries.isEmpty { entries = try await queue.read(count: capacity) }
                    failures = 0
                } catch {
                    failures += 1
                    if (error as? RedisError)?.serverErrorCode == "NOGROUP" { await ensureGroup(flag) }
                    if failures == 1 || failures % 30 == 0 { logger.warning("reading \(queue.keys.inbound) failed: \(error); retrying") }
                    try? await Task.sleep(for: .milliseconds(min(1_000, 100 * failures)))
                    continue
                }
                for entry in entries {
                    let item = LaneBoard.Item(entry: entry, envelope: Self.decode(entry))
                    if let lane = board.add(item) {
                        lanes += 1
                        group.addTask { await runLane(lane, board: board); return .lane }
                    }
                }
            }
            if lanes > 0 {
                logger.info("shutting down: waiting for \(board.count) messages in flight (at most \(settings.shutdownGrace))")
                let grace = settings.shutdownGrace
                group.addTask { try? await Task.sleep(for: grace); return .deadline }
                while lanes > 0, let child = await group.next() {
                    switch child {
                    case .lane: lanes -= 1
                    case .deadline:
                        logger.warning("shutdown deadline reached: \(board.count) messages left pending for other workers")
                        group.cancelAll()
                    case .background, .shutdown: break
                    }
                }
            }
            group.cancelAll()
        }
    }

    private func runLane(_ lane: String, board: LaneBoard) async {
        while let item = board.next(in: lane) {
            if Task.isCancelled {
                board.finish(item.entry.id)
                continue
            }
            _ = await processor.process(item.entry, envelope: item.envelope)
            board.finish(item.entry.id)
        }
    }

    private func reclaim(count: Int, board: LaneBoard) async throws(RedisError) -> [StreamEntry] {
        let claimed = try await queue.reclaim(minimumIdle: settings.claimIdle, count: count)
        var accepted: [StreamEntry] = []
        for entry in claimed where !board.contains(entry.id) {
            let deliveries = try await queue.deliveryCount(of: entry.id)
            if deliveries > maximumDeliveries {
                try await queue.deadLetter(
                    entry, reason: "too-many-deliveries", errcode: nil, attempts: deliveries,
                    detail: "delivered \(deliveries) times without finishing (its worker crashed or hung each time)")
                metrics.record(.deadLettered(reason: "too-many-deliveries"))
                continue
            }
            accepted.append(entry)
        }
        if !accepted.isEmpty { logger.info("reclaimed \(accepted.count) entries left pending by another consumer") }
        return accepted
    }

    private func heartbeat(_ board: LaneBoard) async {
        let interval = max(settings.claimIdle / 3, .milliseconds(50))
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            do {
                try await queue.heartbeat(board.inFlightIDs)
            } catch {
                logger.debug("heartbeat failed: \(error)")
            }
        }
    }

    private func maintain() async {
        var lastTrim = ContinuousClock.now
        while !Task.isCancelled {
            try? await Task.sleep(for: settings.retryPoll)
            if Task.isCancelled { return }
            do {
                try await queue.moveDueRetries(now: WallClock.milliseconds())
                if ContinuousClock.now - lastTrim >= settings.trimInterval {
                    lastTrim = .now
                    try await queue.trimFinished()
                    await updateGauges()
                }
            } catch {
                logger.debug("maintenance failed: \(error)")
            }
        }
    }

    private func updateGauges() async {
        guard let status = try? await QueueStatus.read(redis: queue.redis, keys: queue.keys) else { return }
        metrics.record(status)
    }

    static func decode(_ entry: StreamEntry) -> Result<MessageEnvelope, MessageEnvelopeError> {
        if let version = entry.text("v"), version != String(MessageEnvelope.currentVersion) {
            return .failure(.unsupportedVersion(Int(version) ?? -1))
        }
        do {
            return .success(try MessageEnvelope(decoding: entry.fields["body"] ?? []))
        } catch {
            return .failure(error)
        }
    }
}
