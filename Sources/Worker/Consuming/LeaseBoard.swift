import Synchronization

/// The users this process holds, with their current lease tokens: what the heartbeat refreshes and what
/// the consumer counts against `WORKER_CONCURRENCY` (users served at once).
///
/// Thread safety: every method takes the one lock; callable from any task.
final class LeaseBoard: Sendable {
    private let leases = Mutex<[String: String]>([:])
    /// Slots whose task has ended and that the consumer has not counted yet.
    private let finishedSlots = Atomic<Int>(0)

    /// Users held.
    var count: Int { leases.withLock { $0.count } }

    /// user → token pairs, for the heartbeat.
    var held: [(user: String, token: String)] { leases.withLock { $0.map { (user: $0.key, token: $0.value) } } }

    func hold(_ lease: Lease) {
        leases.withLock { $0[lease.user] = lease.token }
    }

    func drop(_ lease: Lease) {
        leases.withLock { if $0[lease.user] == lease.token { $0[lease.user] = nil } }
    }

    /// A slot's task is ending.
    func slotFinished() { finishedSlots.add(1, ordering: .relaxed) }

    /// The slots that ended since the last call, counted once.
    func takeFinishedSlots() -> Int { finishedSlots.exchange(0, ordering: .relaxed) }

    /// One ended slot the consumer counted another way.
    func uncountFinishedSlot() { finishedSlots.subtract(1, ordering: .relaxed) }

    /// Whether this exact lease is still held.
    func holds(_ lease: (user: String, token: String)) -> Bool {
        leases.withLock { $0[lease.user] == lease.token }
    }

    /// Forgets leases the heartbeat found taken over (the processing task learns it at its next step); a
    /// newer lease of the same user is kept.
    func forget(_ lost: [(user: String, token: String)]) {
        leases.withLock { for lease in lost where $0[lease.user] == lease.token { $0[lease.user] = nil } }
    }
}
