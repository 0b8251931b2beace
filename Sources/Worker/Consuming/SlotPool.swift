import Synchronization

/// `WORKER_CONCURRENCY` shared by the accounts one worker serves, so a busy account cannot starve a quiet
/// one: each account's consumer reserves slots here before taking users.
///
/// While only one account has work it may use every slot. Once another account asks and none is free,
/// the fair share is the total divided by the accounts with work (holding slots or asking): an account
/// above its share hands a slot back after its current message (``shouldYield(_:)``), and one below it
/// gets the next free slot. A slot is one user's lease, so no message is interrupted: the hand-over
/// happens between messages.
final class SlotPool: Sendable {
    private struct State {
        var held: [String: Int] = [:]
        /// Accounts that asked for a slot with work due and got none.
        var asking: Set<String> = []
        var total: Int { held.values.reduce(0, +) }
    }

    let capacity: Int
    private let state = Mutex(State())

    init(capacity: Int) { self.capacity = max(1, capacity) }

    /// Reserves up to `wanted` slots for `account` and returns how many it got (0 when its share is used).
    func reserve(_ account: String, wanted: Int) -> Int {
        state.withLock { state in
            let free = capacity - state.total
            let othersAsking = state.asking.contains { $0 != account }
            var granted = max(0, min(wanted, free))
            if othersAsking { granted = min(granted, max(0, share(state, with: account) - state.held[account, default: 0])) }
            if granted > 0 {
                state.held[account, default: 0] += granted
                state.asking.remove(account)
            }
            return granted
        }
    }

    /// Records that `account` has work due but no slot, so others above their share hand one back.
    func ask(_ account: String) {
        _ = state.withLock { $0.asking.insert(account) }
    }

    /// `account` has no work due (after all): it stops asking.
    func withdraw(_ account: String) {
        _ = state.withLock { $0.asking.remove(account) }
    }

    /// Returns `count` slots of `account` (a finished slot, or a reservation that found fewer users).
    func release(_ account: String, count: Int = 1) {
        state.withLock { state in
            let left = state.held[account, default: 0] - count
            state.held[account] = left > 0 ? left : nil
        }
    }

    /// Whether a slot of `account` should end after its current message: another account is asking and
    /// this one holds more than its share.
    func shouldYield(_ account: String) -> Bool {
        state.withLock { state in
            guard state.asking.contains(where: { $0 != account }) else { return false }
            return state.held[account, default: 0] > share(state, with: account)
        }
    }

    /// Slots held by `account` (for `worker status` and tests).
    func held(by account: String) -> Int { state.withLock { $0.held[account, default: 0] } }

    /// The capacity divided by the accounts with work (holding or asking, `account` included), at least 1.
    private func share(_ state: State, with account: String) -> Int {
        var busy = Set(state.held.keys).union(state.asking)
        busy.insert(account)
        return max(1, capacity / busy.count)
    }
}
