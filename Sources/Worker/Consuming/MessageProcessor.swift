import Logging
import Shared
import Synchronization

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Handles one stream entry from start to finish: decode, run the handler, send each reply not sent
/// before, then ack — or schedule a retry, or dead-letter. Nothing is acked unfinished: when the task is
/// cancelled (shutdown deadline) the entry stays pending for another worker.
struct MessageProcessor: Sendable {
    /// What became of an entry.
    enum Outcome: Sendable, Hashable {
        case replied(sent: Int)
        case retryScheduled
        case deadLettered(reason: String)
        /// Left pending (cancelled, or Redis unreachable): another worker will reclaim it.
        case leftPending
    }

    let queue: WorkQueue
    let handler: any MessageHandler
    let sender: CustomerServiceSender
    let retryPolicy: RetryPolicy
    let typingAfter: Duration?
    let metrics: WorkerMetrics
    let logger: Logger

    func process(_ entry: StreamEntry, envelope decoded: Result<MessageEnvelope, MessageEnvelopeError>) async -> Outcome {
        let outcome = await run(entry, decoded)
        metrics.record(outcome)
        return outcome
    }

    private func run(_ entry: StreamEntry, _ decoded: Result<MessageEnvelope, MessageEnvelopeError>) async -> Outcome {
        let envelope: MessageEnvelope
        switch decoded {
        case .success(let value): envelope = value
        case .failure(let error):
            return await deadLetter(entry, reason: error.deadLetterReason, errcode: nil, attempts: 1, detail: error.description)
        }
        let attempts = envelope.attempt + 1

        // 1. The business logic.
        let replies: [CustomerServiceMessage.Content]
        do {
            replies = try await handleWithTyping(envelope.message)
        } catch {
            if Task.isCancelled { return .leftPending }
            switch error {
            case HandlerError.permanent(let reason):
                return await deadLetter(entry, reason: "handler-permanent", errcode: nil, attempts: attempts, detail: reason)
            default:
                return await retryOrGiveUp(entry, envelope, reason: "handler-failed", errcode: nil, detail: String(describing: error))
            }
        }

        // 2. The replies, skipping those a previous attempt already sent.
        do {
            let sent = try await queue.sentMarkers(dedupKey: envelope.dedupKey, count: replies.count)
            var sentNow = 0
            for (index, reply) in replies.enumerated() where !(index < sent.count && sent[index]) {
                if Task.isCancelled { return .leftPending }
                do {
                    try await sender.send(CustomerServiceMessage(toUser: envelope.message.fromUserName, content: reply))
                } catch {
                    if Task.isCancelled { return .leftPending }
                    switch error.retryClass {
                    case .retryLater:
                        return await retryOrGiveUp(entry, envelope, reason: error.reason, errcode: error.errcode, detail: error.description)
                    case .permanent, .refreshToken:
                        return await deadLetter(entry, reason: error.reason, errcode: error.errcode, attempts: attempts, detail: error.description)
                    }
                }
                // The one duplicate window: a crash here, after WeChat accepted the reply and before this marker.
                try await markSent(dedupKey: envelope.dedupKey, index: index)
                sentNow += 1
            }
            try await queue.ack(entry.id)
            return .replied(sent: sentNow)
        } catch {
            logger.warning("redis error while finishing \(entry.id): \(error); left pending")
            return .leftPending
        }
    }

    /// Runs the handler; when it takes longer than `typingAfter`, sends the typing indicator. A typing
    /// call that has started is awaited before the replies go out, so the user never sees "typing…"
    /// after the answer; one that has not started yet is cancelled.
    private func handleWithTyping(_ message: InboundMessage) async throws -> [CustomerServiceMessage.Content] {
        guard let typingAfter else { return try await handler.handle(message) }
        let typingStarted = StartedFlag()
        return try await withThrowingTaskGroup(of: [CustomerServiceMessage.Content]?.self) { group in
            group.addTask { try await handler.handle(message) }
            group.addTask {
                try await Task.sleep(for: typingAfter)
                typingStarted.set()
                try? await sender.typing(toUser: message.fromUserName)
                return nil
            }
            var replies: [CustomerServiceMessage.Content]?
            while let result = try await group.next() {
                guard let result else { continue }
                replies = result
                if !typingStarted.isSet { group.cancelAll() }
            }
            return replies ?? []
        }
    }

    /// Writes the sent marker of a reply WeChat has accepted, retrying while Redis is unreachable (100 ms
    /// doubling to 1 s) until it is written; only cancellation (the shutdown deadline) gives up.
    ///
    /// Fix (found by the system tests): this used to give up at the first Redis error and leave the entry
    /// pending without its marker, so when Redis stopped while replies were on the wire, every reply WeChat
    /// accepted during the outage was sent a second time by whoever finished the entry after the restart.
    private func markSent(dedupKey: String, index: Int) async throws(RedisError) {
        var delay = Duration.milliseconds(100)
        var failures = 0
        while true {
            do {
                try await queue.markSent(dedupKey: dedupKey, index: index)
                return
            } catch {
                if Task.isCancelled { throw error }
                failures += 1
                if failures == 1 { logger.warning("cannot mark a sent reply (\(error)); retrying until Redis answers") }
                try? await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(1))
            }
        }
    }

    private func retryOrGiveUp(_ entry: StreamEntry, _ envelope: MessageEnvelope, reason: String, errcode: Int?, detail: String) async -> Outcome {
        let attempts = envelope.attempt + 1
        guard let delay = retryPolicy.delay(afterAttempts: attempts, errcode: errcode) else {
            return await deadLetter(entry, reason: "attempts-exhausted", errcode: errcode, attempts: attempts, detail: "\(reason): \(detail)")
        }
        let due = WallClock.milliseconds() + delay.milliseconds
        do {
            try await queue.scheduleRetry(entryID: entry.id, envelope: envelope, dueAtMilliseconds: due)
            logger.debug("retrying \(envelope.dedupKey) in \(delay) after attempt \(attempts): \(detail)")
            return .retryScheduled
        } catch {
            logger.warning("could not schedule the retry of \(entry.id): \(error); left pending")
            return .leftPending
        }
    }

    private func deadLetter(_ entry: StreamEntry, reason: String, errcode: Int?, attempts: Int, detail: String) async -> Outcome {
        do {
            try await queue.deadLetter(entry, reason: reason, errcode: errcode, attempts: attempts, detail: detail)
            logger.warning("dead-lettered \(entry.id) (\(reason)\(errcode.map { ", errcode \($0)" } ?? ""), \(attempts) attempts): \(detail)")
            return .deadLettered(reason: reason)
        } catch {
            logger.warning("could not dead-letter \(entry.id): \(error); left pending")
            return .leftPending
        }
    }
}

/// A one-way flag shared between two child tasks.
private final class StartedFlag: Sendable {
    private let state = Mutex(false)
    var isSet: Bool { state.withLock { $0 } }
    func set() { state.withLock { $0 = true } }
}
