import Synchronization

/// Lets a repeated log line through at most once per ``interval`` per key, so a flood of pushes from
/// one wrong address, or a profile API that is down, is one warning a minute, with a counter telling how many.
public final class LogThrottle: Sendable {
    public let interval: Duration
    private let last = Mutex<[String: ContinuousClock.Instant]>([:])

    public init(interval: Duration = .seconds(60)) {
        self.interval = interval
    }

    /// True when `key` was not let through in the last ``interval``.
    public func allow(_ key: String) -> Bool {
        let now = ContinuousClock.now
        return last.withLock { last in
            if let previous = last[key], now - previous < interval { return false }
            last[key] = now
            return true
        }
    }
}
