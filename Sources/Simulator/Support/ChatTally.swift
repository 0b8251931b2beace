import Synchronization

/// Messages a chat pushed and replies it saw, so Ctrl-D can wait for the replies still on their way.
final class ChatTally: Sendable {
    private let counts = Mutex((pushed: 0, replied: 0))

    func pushed() { counts.withLock { $0.pushed += 1 } }
    func replied() { counts.withLock { $0.replied += 1 } }

    /// Pushed messages not yet matched by a reply (a rule may answer one message with several).
    var outstanding: Int { counts.withLock { max($0.pushed - $0.replied, 0) } }
}
