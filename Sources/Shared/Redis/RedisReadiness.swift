import Synchronization

/// Whether Redis answers, as the worker's and web's `/readyz` report it: a background probe sends `PING` every
/// ``interval`` and counts it failed when no answer came within ``timeout`` (far below the client's 5 s
/// command timeout), so the endpoint answers at once from the last result and never waits for Redis.
///
/// At most one `PING` is in flight: on a frozen Redis the one sent waits out the client's timeout in its
/// own task, while the probe reports "not ready" as soon as it is older than ``timeout``.
public final class RedisReadiness: Sendable {
    public let redis: RedisClient
    public let interval: Duration
    public let timeout: Duration
    private let state = Mutex(State())

    private struct State {
        var ready = false
        var reason = "redis not probed yet"
        var pingSentAt: ContinuousClock.Instant?
    }

    public init(redis: RedisClient, interval: Duration = .milliseconds(500), timeout: Duration = .milliseconds(500)) {
        self.redis = redis
        self.interval = interval
        self.timeout = timeout
    }

    /// The last result, and why when not ready.
    public var status: (ready: Bool, reason: String) {
        state.withLock { ($0.ready, $0.reason) }
    }

    /// Probes until the task is cancelled.
    public func run() async {
        while !Task.isCancelled {
            probe()
            try? await Task.sleep(for: interval)
        }
    }

    private func probe() {
        let now = ContinuousClock.now
        let send = state.withLock { state -> Bool in
            guard let sentAt = state.pingSentAt else {
                state.pingSentAt = now
                return true
            }
            if now - sentAt > timeout {
                state.ready = false
                state.reason = "redis has not answered a PING for \(now - sentAt)"
            }
            return false
        }
        guard send else { return }
        // Unstructured on purpose: the probe (and the server's shutdown) must not wait for a PING that a
        // frozen Redis holds until the client's command timeout; the task ends with that timeout.
        Task { [self] in
            var reason = ""
            do {
                try await redis.send("PING")
            } catch {
                reason = "redis: \(error)"
            }
            let elapsed = ContinuousClock.now - now
            if reason.isEmpty, elapsed > timeout { reason = "redis answered a PING after \(elapsed)" }
            state.withLock { state in
                state.ready = reason.isEmpty
                state.reason = reason
                state.pingSentAt = nil
            }
        }
    }
}
