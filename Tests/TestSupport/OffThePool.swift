import Foundation

/// Runs blocking test plumbing (waiting for a child process, a blocking socket) on a thread of its own,
/// so it never holds one of the few cooperative threads that the servers under test need.
public func offThePool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try body() }) }.start()
    }
}
