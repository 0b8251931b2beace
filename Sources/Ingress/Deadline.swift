import Synchronization

/// Waits for async work at most a given time, without waiting for the work itself to stop.
///
/// `withTaskGroup` and `withTimeout`-style helpers wait for every child before returning, so a Redis call
/// stuck behind a stalled connection would still hold the caller until the client's own (long) timeout.
/// Here the caller is resumed by whichever comes first, the work's result or the deadline; work that
/// loses the race finishes on its own in the background and its result is dropped.
enum Deadline {
    /// The work's result, or nil when `limit` passed first.
    static func first<T: Sendable>(within limit: Duration, _ work: @escaping @Sendable () async -> T) async -> T? {
        let slot = Slot<T>()
        return await withCheckedContinuation { continuation in
            slot.fill(continuation)
            let timer = Task {
                do { try await Task.sleep(for: limit) } catch { return }  // cancelled: the work answered
                slot.take()?.resume(returning: nil)
            }
            Task {
                let value = await work()
                // Take the continuation before cancelling the timer, so the timer cannot answer nil first.
                let waiting = slot.take()
                timer.cancel()
                waiting?.resume(returning: value)
            }
        }
    }

    /// The one continuation both racers try to take; whoever takes it answers.
    private final class Slot<T: Sendable>: Sendable {
        private let continuation = Mutex<CheckedContinuation<T?, Never>?>(nil)

        func fill(_ waiting: CheckedContinuation<T?, Never>) { continuation.withLock { $0 = waiting } }

        func take() -> CheckedContinuation<T?, Never>? { continuation.withLock { $0.take() } }
    }
}
