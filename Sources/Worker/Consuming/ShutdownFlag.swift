import Synchronization

/// Set once graceful shutdown began; read by the consume loop between reads.
final class ShutdownFlag: Sendable {
    private let value = Atomic<Bool>(false)

    var isSet: Bool { value.load(ordering: .acquiring) }

    func set() { value.store(true, ordering: .releasing) }
}
