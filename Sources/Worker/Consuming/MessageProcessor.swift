import Logging
import Shared
import Synchronization

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Handles the head of one leased user's queue from start to finish: decode, run the handler, send each
/// reply not sent before (each send fenced by the lease), then complete — or retry in place, or
/// dead-letter. Nothing is completed unfinished: when the task is cancelled (shutdown deadline) or Redis
/// stays unreachable, the head stays where it is for the next holder of the user.
struct MessageProcessor: Sendable {
    /// What became of a head.
    enum Outcome: Sendable, Hashable {
        case replied(sent: Int)
        case retryScheduled
        case deadLettered(reason: DeadLetterReason)
        /// The lease was gone (this worker stalled past it and another took the user over): nothing sent.
        case fenced
        /// Left where it is (cancelled, or Redis unreachable): released or reaped for another attempt.
        case leftPending
    }

    /// One step of a slot: the outcome, and what the slot does next (the same user's next message, or
    /// another user taken in the same step).
    struct Step: Sendable {
        var outcome: Outcome
        var next: Lease?
    }

    let queue: LeaseQueue
    let handler: any MessageHandler
    let sender: CustomerServiceSender
    /// Spends the user's reply allowance and takes the reply's fallback when it is gone (``ReachDelivery``).
    let delivery: ReachDelivery
    /// Offers the answer of a `passive` or `hybrid` message to the waiting ingress first.
    let passive: PassiveDelivery
    let retryPolicy: RetryPolicy
    let typingAfter: Duration?
    let metrics: WorkerMetrics
    let logger: Logger

    func process(_ lease: Lease, keepGoing: Bool = true) async -> Step {
        let decoded = Result { () throws(MessageEnvelopeError) in try MessageEnvelope(decoding: lease.record.envelope) }
        let step = await HandleSpan.around(decoded, account: metrics.account, handler: handler) { await run(lease, decoded, keepGoing: keepGoing) }
        metrics.record(step.outcome)
        return step
    }

    private func run(_ lease: Lease, _ decoded: Result<MessageEnvelope, MessageEnvelopeError>, keepGoing: Bool) async -> Step {
        let envelope: MessageEnvelope
        do {
            envelope = try decoded.get()
        } catch {
            return await deadLetter(lease, keepGoing, DeadLetterFields(reason: error.deadLetterReason, errcode: nil, attempts: 1, detail: error.description))
        }
        let attempts = envelope.attempt + 1

        // 1. What can reach the user (the window this message opens), then the business logic. A handler
        //    that does not read the window gets it opened in the same step as its first send (one round
        //    trip less); events with more to record than a window (receipts, unfollows) go first as before.
        var reach = ReachContext(window: .untracked, receipt: nil)
        var windowPending = !handler.readsReach && envelope.message.msgType.lowercased() != "event"
        if !windowPending {
            do {
                reach = try await untilRedisAnswers({ () async throws(RedisError) in try await delivery.observe(envelope.message) })
            } catch {
                return Step(outcome: .leftPending)
            }
        }
        let answer: [Reply]
        do {
            // No typing indicator when the answer is meant for the HTTP response: it is a customer-service
            // call, which an account in passive mode may not have (48001).
            answer = try await handleWithTyping(envelope.message, reach: reach, typing: envelope.replyPath == .async || envelope.replyPath == .hybrid)
        } catch {
            if Task.isCancelled { return Step(outcome: .leftPending) }
            switch error {
            case HandlerError.permanent(let reason):
                return await deadLetter(lease, keepGoing, DeadLetterFields(reason: .handlerPermanent, errcode: nil, attempts: attempts, detail: reason))
            default:
                return await retryOrGiveUp(lease, envelope, reason: .handlerFailed, errcode: nil, detail: String(describing: error), clearSending: nil, keepGoing)
            }
        }

        // 2. In passive and hybrid modes, the answer goes to the waiting ingress when it takes it; the rest
        //    (or all of it) by customer service.
        let replies: [Reply]
        do {
            replies = LongText.prepare(try await untilRedisAnswers({ () async throws(RedisError) in try await passive.route(answer, envelope: envelope) }))
        } catch {
            return Step(outcome: .leftPending)
        }

        // 3. The replies, each fenced by the lease, skipping those an earlier attempt sent.
        do {
            var sentNow = 0
            let windowKey = delivery.tracker.keys.window(envelope.message.fromUserName)
            var lastMarker: (dedupKey: String, index: Int)?
            for (index, reply) in replies.enumerated() {
                if Task.isCancelled { return Step(outcome: .leftPending) }
                let step = LeaseQueue.ReachStep(
                    windowKey: windowKey, observe: windowPending ? delivery.tracker.observeArguments(envelope.message) : nil,
                    spend: ReachDelivery.spendsInBeginSend(reply))
                let begun = try await untilRedisAnswers({ () async throws(RedisError) in try await queue.begin(lease, index: index, dedupKey: envelope.dedupKey, reach: step) })
                windowPending = false
                switch begun.permission {
                case .fenced:
                    logger.warning("lost the lease of \(DedupKey.maskOpenID(lease.user)) (stalled past WORKER_CLAIM_IDLE?); another worker has it, nothing sent")
                    return Step(outcome: .fenced)
                case .alreadySent:
                    continue
                case .sendAfterUnknownOutcome:
                    metrics.recordSendAfterUnknownOutcome()
                    logger.warning("reply \(index) of \(envelope.dedupKey.prefix(8))… was begun by a worker that never recorded the outcome; sending it")
                case .send:
                    break
                }
                if case .failure(let error) = try await delivery.deliver(reply, to: envelope.message.fromUserName, dedupKey: envelope.dedupKey, index: index, spent: begun.spent) {
                    if Task.isCancelled { return Step(outcome: .leftPending) }
                    let answered = error.errcode.map { _ in (dedupKey: envelope.dedupKey, index: index) }
                    switch error.retryClass {
                    case .retryLater:
                        return await retryOrGiveUp(lease, envelope, reason: error.reason, errcode: error.errcode, detail: error.description, clearSending: answered, keepGoing)
                    case .permanent, .refreshToken:
                        return await deadLetter(lease, keepGoing, DeadLetterFields(reason: error.reason, errcode: error.errcode, attempts: attempts, detail: error.description))
                    }
                }
                sentNow += 1
                // The one duplicate window: a crash here, after WeChat accepted the reply and before its marker.
                if index == replies.count - 1 {
                    lastMarker = (envelope.dedupKey, index)
                } else {
                    try await untilRedisAnswers({ () async throws(RedisError) in try await queue.markSent(dedupKey: envelope.dedupKey, index: index) })
                }
            }
            if windowPending {
                // No reply went by customer service (none, or all passive): the window is opened all the same.
                _ = try await untilRedisAnswers({ () async throws(RedisError) in try await delivery.tracker.observe(envelope.message) })
            }
            let marker = lastMarker
            switch try await untilRedisAnswers({ () async throws(RedisError) in try await queue.complete(lease, keepGoing: keepGoing, sentMarker: marker) }) {
            case .done(let next):
                return Step(outcome: .replied(sent: sentNow), next: next)
            case .fenced:
                return Step(outcome: .fenced)
            }
        } catch {
            logger.warning("redis error while finishing a message of \(DedupKey.maskOpenID(lease.user)): \(error); left for the next holder")
            return Step(outcome: .leftPending)
        }
    }

    /// Runs the handler; when it takes longer than `typingAfter`, sends the typing indicator. A typing
    /// call that has started is awaited before the replies go out, so the user never sees "typing…"
    /// after the answer; one that has not started yet is cancelled.
    private func handleWithTyping(_ message: InboundMessage, reach: ReachContext, typing: Bool = true) async throws -> [Reply] {
        guard typing, let typingAfter else { return try await handler.answer(message, reach: reach) }
        let typingStarted = StartedFlag()
        return try await withThrowingTaskGroup(of: [Reply]?.self) { group in
            group.addTask { try await handler.answer(message, reach: reach) }
            group.addTask {
                try await Task.sleep(for: typingAfter)
                typingStarted.set()
                try? await sender.typing(toUser: message.fromUserName)
                return nil
            }
            var replies: [Reply]?
            while let result = try await group.next() {
                guard let result else { continue }
                replies = result
                if !typingStarted.isSet { group.cancelAll() }
            }
            return replies ?? []
        }
    }

    /// Runs a Redis step again while Redis is unreachable (100 ms doubling to 1 s) until it answers; only
    /// cancellation (the shutdown deadline) gives up. Every step it wraps is safe to repeat: fenced by the
    /// lease and idempotent (see ``LeaseScripts``).
    ///
    /// Fix (found by the system tests): a sent marker used to be given up at the first Redis error, so
    /// when Redis stopped while replies were on the wire, every reply WeChat accepted during the outage
    /// was sent a second time after the restart.
    private func untilRedisAnswers<T>(_ step: () async throws(RedisError) -> T) async throws(RedisError) -> T {
        var delay = Duration.milliseconds(100)
        var failures = 0
        while true {
            do {
                return try await step()
            } catch {
                if Task.isCancelled { throw error }
                failures += 1
                if failures == 1 { logger.warning("redis did not answer (\(error)); retrying until it does") }
                try? await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(1))
            }
        }
    }

    private func retryOrGiveUp(
        _ lease: Lease, _ envelope: MessageEnvelope, reason: DeadLetterReason, errcode: Int?, detail: String, clearSending: (dedupKey: String, index: Int)?,
        _ keepGoing: Bool
    ) async -> Step {
        let attempts = envelope.attempt + 1
        let elapsed = Duration.milliseconds(lease.failingSince.map { max(0, WallClock.milliseconds() - $0) } ?? 0)
        guard let delay = retryPolicy.delay(afterAttempts: attempts, elapsed: elapsed, errcode: errcode) else {
            return await deadLetter(lease, keepGoing, DeadLetterFields(reason: .attemptsExhausted, errcode: errcode, attempts: attempts, detail: "\(reason.rawValue): \(detail)"))
        }
        var next = envelope
        next.attempt += 1
        let record = QueueRecord(createTime: lease.record.createTime, envelope: next.encoded())
        do {
            let scheduled = try await untilRedisAnswers({ () async throws(RedisError) in
                try await queue.retry(lease, record: record, delay: delay, clearSending: clearSending)
            })
            guard scheduled else { return Step(outcome: .fenced) }
            // The first failure of a message at info, so a stuck first reply explains itself; later ones at debug.
            logger.log(
                level: attempts == 1 ? .info : .debug,
                "retrying a message of \(DedupKey.maskOpenID(lease.user)) in \(delay) after attempt \(attempts): \(detail)")
            return Step(outcome: .retryScheduled)
        } catch {
            return Step(outcome: .leftPending)
        }
    }

    private func deadLetter(_ lease: Lease, _ keepGoing: Bool, _ fields: DeadLetterFields) async -> Step {
        do {
            let completion = try await untilRedisAnswers({ () async throws(RedisError) in
                try await queue.complete(lease, keepGoing: keepGoing, deadLetter: fields)
            })
            guard case .done(let next) = completion else { return Step(outcome: .fenced) }
            logger.warning(
                "dead-lettered a message of \(DedupKey.maskOpenID(lease.user)) (\(fields.reason.rawValue)\(fields.errcode.map { ", errcode \($0)" } ?? ""), \(fields.attempts) attempts): \(fields.detail)"
            )
            return Step(outcome: .deadLettered(reason: fields.reason), next: next)
        } catch {
            return Step(outcome: .leftPending)
        }
    }
}

/// A one-way flag shared between two child tasks.
private final class StartedFlag: Sendable {
    private let state = Mutex(false)
    var isSet: Bool { state.withLock { $0 } }
    func set() { state.withLock { $0 = true } }
}
