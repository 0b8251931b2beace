import Synchronization

/// How much the spool holds, readable from any thread (metrics, `/readyz`, the drainer), and the claims
/// that keep pushes in arrival order while it holds anything.
///
/// A *claim* stands for an append under way: it is taken before a message is handed to the spool and
/// released once the spool has answered (by then the record is counted in ``records``). Checking
/// "the spool holds something" and taking a claim happen under one lock, so there is no moment at which
/// the spool has just been emptied by the drainer while an append is still on its way to it: a push
/// that arrives then sees the claim and queues up behind that append instead of overtaking it to Redis.
final class SpoolGauge: Sendable {
    private struct Counts {
        var records = 0
        var bytes = 0
        var claims = 0
    }

    private let counts = Mutex(Counts())

    var records: Int { counts.withLock { $0.records } }
    var bytes: Int { counts.withLock { $0.bytes } }

    func add(records: Int, bytes: Int) {
        counts.withLock { counts in
            counts.records = max(0, counts.records + records)
            counts.bytes = max(0, counts.bytes + bytes)
        }
    }

    /// Takes a claim when the spool holds a record or another claim is open; false (and no claim) when
    /// it is empty, i.e. a message may go to Redis directly without overtaking a spooled one.
    func claimIfHolding() -> Bool {
        counts.withLock { counts in
            guard counts.records > 0 || counts.claims > 0 else { return false }
            counts.claims += 1
            return true
        }
    }

    /// Takes a claim unconditionally (a message Redis refused, on its way to the spool).
    func claim() {
        counts.withLock { $0.claims += 1 }
    }

    func releaseClaim() {
        counts.withLock { $0.claims = max(0, $0.claims - 1) }
    }
}
