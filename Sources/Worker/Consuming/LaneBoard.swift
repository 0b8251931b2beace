import Shared
import Synchronization

/// The messages this process has taken and not finished, queued per user (openid) so one user's
/// messages are handled in arrival order while different users run in parallel.
///
/// Thread safety: every method takes the one lock; callable from any task.
final class LaneBoard: Sendable {
    /// One taken entry with its decoded envelope.
    struct Item: Sendable {
        var entry: StreamEntry
        var envelope: Result<MessageEnvelope, MessageEnvelopeError>

        /// The lane: the sender's openid, or the entry id when the envelope cannot be read.
        var lane: String {
            switch envelope {
            case .success(let envelope): return "u:" + envelope.message.fromUserName
            case .failure: return "e:" + entry.id
            }
        }
    }

    private struct State {
        var lanes: [String: [Item]] = [:]
        var inFlight: Set<String> = []
    }

    private let state = Mutex(State())

    /// Entries taken and not finished.
    var count: Int { state.withLock { $0.inFlight.count } }

    /// Their ids, for the heartbeat.
    var inFlightIDs: [String] { state.withLock { Array($0.inFlight) } }

    func contains(_ id: String) -> Bool { state.withLock { $0.inFlight.contains(id) } }

    /// Adds an item; returns its lane name when that lane was idle and a task must be started for it.
    func add(_ item: Item) -> String? {
        state.withLock { state in
            guard state.inFlight.insert(item.entry.id).inserted else { return nil }
            let lane = item.lane
            if state.lanes[lane] != nil {
                state.lanes[lane]?.append(item)
                return nil
            }
            state.lanes[lane] = [item]
            return lane
        }
    }

    /// The next item of a lane, or nil (and the lane closed) when it is empty.
    func next(in lane: String) -> Item? {
        state.withLock { state in
            guard var items = state.lanes[lane], !items.isEmpty else {
                state.lanes[lane] = nil
                return nil
            }
            let item = items.removeFirst()
            state.lanes[lane] = items
            return item
        }
    }

    /// Marks an entry finished (or abandoned).
    func finish(_ id: String) {
        _ = state.withLock { $0.inFlight.remove(id) }
    }
}
