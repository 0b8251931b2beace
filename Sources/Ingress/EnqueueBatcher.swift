import ServiceLifecycle
import Shared
import Synchronization

/// Group commit for the ingress: concurrent requests' messages go to Redis together, in one script call.
///
/// Each request hands its message over and waits. One flushing loop takes everything waiting (up to
/// ``InboundQueue/maximumBatch``), sends it in one `EVALSHA`, and answers every waiter; messages that
/// arrive meanwhile form the next batch, sent as soon as the previous one returns. Under load, Redis and
/// the client thus do a fixed amount of work per batch instead of per message; when idle, a message goes
/// out alone at once. On graceful shutdown the loop sends what is waiting, then refuses new messages with
/// ``RedisError/closed`` (the caller spools them).
///
/// A message that waits longer than ``deadline`` (Redis stalled rather than refused: a replaced container,
/// a network partition, a long fork) is answered ``RedisError/timeout`` so the caller spools it and WeChat
/// still gets `success` within its 5 s. If its batch reaches Redis after all, the spool's replay goes
/// through the same dedup script and is dropped as a duplicate: late, never doubled.
final class EnqueueBatcher: Service, Sendable {
    private struct Waiter: Sendable {
        var id: UInt64
        var message: QueuedMessage
        var queue: InboundQueue
    }

    private struct Pending: Sendable {
        var continuation: CheckedContinuation<Result<EnqueueOutcome, RedisError>, Never>
        var deadline: ContinuousClock.Instant
    }

    private struct State {
        var waiting: [Waiter] = []
        /// Everyone not yet answered, by id: whoever removes an entry (the flush or the sweep) answers it.
        var pending: [UInt64: Pending] = [:]
        var nextID: UInt64 = 0
        var isClosed = false
    }

    /// The queue of messages given no other (the single account's).
    let queue: InboundQueue
    /// How long a message may wait for Redis before the caller spools it (`INGRESS_ENQUEUE_DEADLINE`).
    let deadline: Duration
    private let state = Mutex(State())
    private let wakeups: AsyncStream<Void>
    private let wake: AsyncStream<Void>.Continuation

    init(queue: InboundQueue, deadline: Duration = .seconds(1)) {
        self.queue = queue
        self.deadline = deadline
        (wakeups, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Queues one message with whatever else is waiting for the same account; the outcome, or the error that
    /// stopped its batch (``RedisError/timeout`` when Redis did not answer within ``deadline``).
    func enqueue(_ message: QueuedMessage, into target: InboundQueue? = nil) async -> Result<EnqueueOutcome, RedisError> {
        let queue = target ?? self.queue
        return await withCheckedContinuation { continuation in
            let accepted = state.withLock { state -> Bool in
                guard !state.isClosed else { return false }
                let id = state.nextID
                state.nextID += 1
                state.waiting.append(Waiter(id: id, message: message, queue: queue))
                state.pending[id] = Pending(continuation: continuation, deadline: .now + deadline)
                return true
            }
            if accepted { wake.yield() } else { continuation.resume(returning: .failure(.closed)) }
        }
    }

    func run() async {
        await withDiscardingTaskGroup { group in
            group.addTask { await self.answerExpired() }
            for await _ in wakeups.cancelOnGracefulShutdown() {
                await flushWaiting()
            }
            state.withLock { $0.isClosed = true }
            await flushWaiting()
            group.cancelAll()
        }
    }

    /// Sends batches until nothing waits: each batch is the oldest waiting message and those after it for the
    /// same account (one script call touches one account's keys, one Redis Cluster slot). Messages already
    /// answered by the deadline are left out.
    private func flushWaiting() async {
        while true {
            let batch = state.withLock { state -> [Waiter] in
                guard let keys = state.waiting.first?.queue.keys else { return [] }
                var taken: [Waiter] = []
                var rest: [Waiter] = []
                for waiter in state.waiting {
                    if taken.count < InboundQueue.maximumBatch, waiter.queue.keys == keys { taken.append(waiter) } else { rest.append(waiter) }
                }
                state.waiting = rest
                return taken.filter { state.pending[$0.id] != nil }
            }
            if batch.isEmpty {
                if state.withLock({ $0.waiting.isEmpty }) { return }
                continue
            }
            let results: [Result<EnqueueOutcome, RedisError>]
            do {
                results = try await batch[0].queue.enqueue(batch.map(\.message)).map { .success($0) }
            } catch {
                results = Array(repeating: .failure(error), count: batch.count)
            }
            for (waiter, result) in zip(batch, results) { answer(waiter.id, with: result) }
        }
    }

    /// Every few milliseconds, answers ``RedisError/timeout`` to whoever waited past the deadline.
    private func answerExpired() async {
        let interval = min(max(deadline / 4, .milliseconds(5)), .milliseconds(100))
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            let now = ContinuousClock.now
            let expired = state.withLock { state -> [Pending] in
                let ids = state.pending.filter { $0.value.deadline <= now }.map(\.key)
                return ids.compactMap { state.pending.removeValue(forKey: $0) }
            }
            for entry in expired { entry.continuation.resume(returning: .failure(.timeout("no answer from Redis within \(deadline)"))) }
        }
    }

    private func answer(_ id: UInt64, with result: Result<EnqueueOutcome, RedisError>) {
        state.withLock { $0.pending.removeValue(forKey: id) }?.continuation.resume(returning: result)
    }
}
