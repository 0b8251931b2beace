import Synchronization

/// Runs `operation` in a task of its own and waits for it at most `seconds`: its result, or nil when it
/// is still running then (it is cancelled and left behind, so a hang cannot hang the test too). For
/// tests that prove a call ends, with a bound far above what it should take; no timing is asserted.
public func within<T: Sendable>(seconds: Double, _ operation: @escaping @Sendable () async throws -> T) async -> Result<T, any Error>? {
    let first = FirstAnswer<Result<T, any Error>?>()
    return await withCheckedContinuation { continuation in
        first.set(continuation)
        let work = Task {
            let result: Result<T, any Error>
            do { result = .success(try await operation()) } catch { result = .failure(error) }
            first.resume(returning: result)
        }
        Task {
            try? await Task.sleep(for: .milliseconds(Int64(seconds * 1000)))
            if first.resume(returning: nil) { work.cancel() }
        }
    }
}

/// A continuation resumed once, by whichever answer comes first.
private final class FirstAnswer<Value: Sendable>: Sendable {
    private let continuation = Mutex<CheckedContinuation<Value, Never>?>(nil)

    func set(_ continuation: CheckedContinuation<Value, Never>) {
        self.continuation.withLock { $0 = continuation }
    }

    /// Resumes with `value` if nobody did yet; returns whether this call did.
    @discardableResult
    func resume(returning value: Value) -> Bool {
        guard let waiting = continuation.withLock({ $0.take() }) else { return false }
        waiting.resume(returning: value)
        return true
    }
}
