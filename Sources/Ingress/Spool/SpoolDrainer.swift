import Logging
import ServiceLifecycle
import Shared

/// Replays the spool into Redis, oldest first, through the same dedup-and-enqueue script as live traffic,
/// whenever the spool holds anything and Redis answers; each file is deleted once replayed.
///
/// Progress is saved after every chunk, so a crash mid-replay resumes after the last chunk Redis took;
/// the chunk in flight at the crash is sent again, and the dedup keys turn that into no duplicate.
///
/// While the spool holds anything, new pushes are spooled behind it (``SpoolGauge/claimIfHolding()``), so
/// the drainer goes round again at once while replays succeed and messages keep arriving; the ingress
/// returns to sending straight to Redis at the first moment the spool is empty and no append is under way.
struct SpoolDrainer: Service {
    let spool: Spool
    let queue: InboundQueue
    let logger: Logger
    var interval: Duration = .milliseconds(500)
    var chunkSize = 256
    /// Rounds one ``drain()`` call makes at most while new messages keep arriving.
    var maximumRounds = 1_000

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            if spool.gauge.records > 0 { await drain() }
            try? await Task.sleep(for: interval)
        }
        // Graceful shutdown: one last attempt, so a clean stop leaves nothing behind when Redis is up.
        if spool.gauge.records > 0 { await drain() }
    }

    /// Replays every spooled message it can, including those spooled meanwhile; returns true when the
    /// spool is empty afterwards.
    @discardableResult
    func drain() async -> Bool {
        guard (try? await queue.redis.send("PING")) != nil else { return false }
        for _ in 0..<maximumRounds {
            let files = await spool.takeForReplay()
            if files.isEmpty { break }
            for file in files {
                guard await replay(file) else { return false }
            }
            if spool.gauge.records == 0 || Task.isCancelled { break }
        }
        return spool.gauge.records == 0
    }

    /// The messages grouped by account, each group in spool order, the groups in order of first appearance.
    static func byAccount(_ messages: [QueuedMessage]) -> [(String?, [QueuedMessage])] {
        var groups: [(String?, [QueuedMessage])] = []
        for message in messages {
            if let index = groups.firstIndex(where: { $0.0 == message.appID }) { groups[index].1.append(message) } else { groups.append((message.appID, [message])) }
        }
        return groups
    }

    private func replay(_ file: String) async -> Bool {
        var offset = 0
        var replayed = 0
        var duplicates = 0
        while true {
            guard let chunk = await spool.read(file, from: offset, limit: chunkSize) else {
                logger.warning("spool: cannot read \(file); will retry")
                return false
            }
            if !chunk.payloads.isEmpty {
                let messages = chunk.payloads.compactMap(QueuedMessage.init(spoolRecord:))
                if messages.count < chunk.payloads.count {
                    logger.error("spool: \(chunk.payloads.count - messages.count) records in \(file) are not messages; skipped")
                }
                do {
                    var outcomes: [EnqueueOutcome] = []
                    // Each account's messages into its own queue, in their order.
                    for (appID, group) in Self.byAccount(messages) {
                        let target =
                            appID.map { InboundQueue(redis: queue.redis, keys: QueueKeys(appID: $0), dedupWindowSeconds: queue.dedupWindowSeconds, maximumLength: queue.maximumLength) } ?? queue
                        outcomes += try await target.enqueue(group)
                        if outcomes.contains(.full) { break }
                    }
                    duplicates += outcomes.filter { $0 == .duplicate }.count
                    if outcomes.contains(.full) {
                        // Whatever came before the first refusal is queued; the rest is replayed next round
                        // (its dedup keys turn the queued part into duplicates then).
                        logger.warning("spool: replay of \(file) paused, the backlog is at QUEUE_MAXLEN")
                        return false
                    }
                } catch {
                    logger.warning("spool: replay of \(file) paused, Redis refused it: \(error)")
                    return false
                }
                offset = chunk.nextOffset
                replayed += chunk.payloads.count
                await spool.saveProgress(file, offset: offset, records: chunk.payloads.count)
            }
            guard let ending = chunk.ending else { continue }
            switch ending {
            case .clean:
                await spool.finish(file)
            case .tornTail(let bytes):
                logger.warning("spool: skipped a torn last record (\(bytes) bytes) in \(file)")
                await spool.finish(file)
            case .corrupt(let at):
                logger.error("spool: \(file) is corrupt at byte \(at); replayed what came before, kept the file as \(file).corrupt")
                await spool.quarantine(file)
            }
            logger.info("spool: replayed \(replayed) messages from \(file) into Redis (\(duplicates) were already queued)")
            return true
        }
    }
}
