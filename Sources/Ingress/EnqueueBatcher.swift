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
final class EnqueueBatcher: Service, Sendable {
    private struct Waiter: Sendable {
        var message: QueuedMessage
        var continuation: CheckedContinuation<Result<EnqueueOutcome, RedisError>, Never>
    }

    private struct State {
        var waiting: [Waiter] = []
        var isClosed = false
    }

    let queue: InboundQueue
    private let state = Mutex(State())
    private let wakeups: AsyncStream<Void>
    private let wake: AsyncStream<Void>.Continuation

    init(queue: InboundQueue) {
        self.queue = queue
        (wakeups, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Queues one message with whatever else is waiting; the outcome, or the error that stopped its batch.
    func enqueue(_ message: QueuedMessage) async -> Result<EnqueueOutcome, RedisError> {
        await withCheckedContinuation { continuation in
            let accepted = state.withLock { state -> Bool in
                guard !state.isClosed else { return false }
                state.waiting.append(Waiter(message: message, continuation: continuation))
                return true
            }
            if accepted { wake.yield() } else { continuation.resume(returning: .failure(.closed)) }
        }
    }

    func run() async {
        for await _ in wakeups.cancelOnGracefulShutdown() {
            await flushWaiting()
        }
        state.withLock { $0.isClosed = true }
        await flushWaiting()
    }

    /// Sends batches until nothing waits.
    private func flushWaiting() async {
        while true {
            let batch = state.withLock { state -> [Waiter] in
                let count = min(state.waiting.count, InboundQueue.maximumBatch)
                defer { state.waiting.removeFirst(count) }
                return Array(state.waiting.prefix(count))
            }
            guard !batch.isEmpty else { return }
            do {
                let outcomes = try await queue.enqueue(batch.map(\.message))
                for (waiter, outcome) in zip(batch, outcomes) { waiter.continuation.resume(returning: .success(outcome)) }
            } catch {
                for waiter in batch { waiter.continuation.resume(returning: .failure(error)) }
            }
        }
    }
}
