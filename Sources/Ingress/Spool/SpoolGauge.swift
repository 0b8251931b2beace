import Synchronization

/// How much the spool holds, readable from any thread (metrics, `/readyz`, the drainer).
final class SpoolGauge: Sendable {
    private let counts = Mutex((records: 0, bytes: 0))

    var records: Int { counts.withLock { $0.records } }
    var bytes: Int { counts.withLock { $0.bytes } }

    func add(records: Int, bytes: Int) {
        counts.withLock { counts in
            counts.records = max(0, counts.records + records)
            counts.bytes = max(0, counts.bytes + bytes)
        }
    }
}
