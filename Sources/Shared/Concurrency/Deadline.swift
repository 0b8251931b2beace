/// A total deadline over async work made of several steps, such as an HTTP exchange (connect, the
/// response head, then the body): AsyncHTTPClient's own timeout ends at the head, so a server that
/// trickles its body could otherwise hold the caller for as long as it likes.
public enum Deadline {
    /// What ``run(_:_:)`` throws when the work did not finish within its limit.
    public struct Exceeded: Error, Sendable, CustomStringConvertible {
        public let limit: Duration

        public var description: String { "not finished within \(limit)" }
    }

    /// Runs `operation`, and once `limit` has passed cancels it and throws ``Exceeded``. The operation
    /// must end promptly when cancelled (AsyncHTTPClient closes the connection); its late result is dropped.
    public static func run<T: Sendable>(_ limit: Duration, _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await operation() }
            group.addTask {
                try await Task.sleep(for: limit)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let value = first else { throw Exceeded(limit: limit) }
            return value
        }
    }
}
