import Synchronization
import WeChatFake

/// When the fake API took its first and last customer-service message, and how many: what the worker
/// benchmarks time (from the first reply to the last, so process start-up is left out).
final class DeliveryClock: Sendable {
    private let state = Mutex<(first: ContinuousClock.Instant?, last: ContinuousClock.Instant?, delivered: Int)>((nil, nil, 0))

    /// The fake's `onCall`: counts each message WeChat would have delivered.
    func record(_ call: FakeWeChatCall) {
        guard call.isDeliveredMessage else { return }
        let now = ContinuousClock.now
        state.withLock { state in
            if state.first == nil { state.first = now }
            state.last = now
            state.delivered += 1
        }
    }

    var delivered: Int { state.withLock { $0.delivered } }

    /// Seconds from the first delivery to the last; nil before two.
    var seconds: Double? {
        let (first, last, delivered) = state.withLock { ($0.first, $0.last, $0.delivered) }
        guard let first, let last, delivered > 1 else { return nil }
        let span = last - first
        return Double(span.components.seconds) + Double(span.components.attoseconds) / 1e18
    }

    /// Waits until `count` messages were delivered, at most `timeout`.
    func wait(for count: Int, timeout: Duration = .seconds(300)) async throws {
        let deadline = ContinuousClock.now + timeout
        while delivered < count, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
    }
}
