/// One Redis connection with a thread of its own, where hiredis may block without harming anyone.
///
/// Callers on any task submit a batch (one command, or an explicit pipeline) and suspend; the thread takes
/// every batch queued since its last round trip, writes them all, reads every reply in order, and resumes
/// each caller. Many concurrent callers thus share one round trip (auto-pipelining).
///
/// After an I/O error or timeout the hiredis context is dropped: the callers of that round trip get the
/// error, and the next batch connects afresh. While connecting fails, batches fail fast with the last error
/// until a backoff (doubling from the configured minimum to the maximum) has passed, so nobody hangs on a
/// Redis that is down.
final class RedisConnection: Sendable {
    typealias Replies = Result<[Result<RESPValue, RedisError>], RedisError>

    private let thread: BatchingThread<Link>

    init(name: String, configuration: RedisClientConfiguration) {
        thread = BatchingThread(name: name, batching: configuration.autoPipelining) { Link(configuration: configuration) }
    }

    /// Sends the commands in one write and returns their replies in order, or the error that stopped the
    /// round trip.
    func submit(_ commands: [RedisCommand]) async -> Replies {
        await thread.submit(commands)
    }

    /// Stops the thread once the batches already queued are answered with ``RedisError/closed``.
    func close() {
        thread.close()
    }

    /// The thread-confined part: the hiredis context and the reconnect bookkeeping.
    private struct Link: BatchProcessor {
        static var closedReply: Replies { .failure(.closed) }

        let configuration: RedisClientConfiguration
        var context: HiredisContext?
        var appliedTimeout: Duration?? = nil
        var backoff: RedisReconnectBackoff

        init(configuration: RedisClientConfiguration) {
            self.configuration = configuration
            self.backoff = RedisReconnectBackoff(configuration: configuration)
        }

        /// One round trip for every batch: all commands written, then all replies read in order.
        mutating func process(_ batches: [[RedisCommand]]) -> [Replies] {
            let context: HiredisContext
            switch connected() {
            case .success(let ready): context = ready
            case .failure(let error): return batches.map { _ in .failure(error) }
            }
            applyTimeout(for: batches, on: context)
            var answers: [Replies] = []
            answers.reserveCapacity(batches.count)
            do throws(RedisError) {
                for batch in batches {
                    for command in batch { try context.append(command.arguments.map(\.bytes)) }
                }
                for batch in batches {
                    var replies: [Result<RESPValue, RedisError>] = []
                    replies.reserveCapacity(batch.count)
                    for _ in batch { replies.append(try context.readReply()) }
                    answers.append(.success(replies))
                }
            } catch {
                // The replies still owed can no longer be matched to their commands: drop the connection.
                while answers.count < batches.count { answers.append(.failure(error)) }
                self.context = nil
                backoff.connectionLost(error)
            }
            return answers
        }

        /// The live context, connecting when there is none and the backoff allows it.
        private mutating func connected() -> Result<HiredisContext, RedisError> {
            if let context {
                if !context.isPeerClosed { return .success(context) }
                self.context = nil
            }
            if let refusal = backoff.refusal() { return .failure(refusal) }
            do throws(RedisError) {
                let fresh = try HiredisContext(url: configuration.url, connectTimeout: configuration.connectTimeout)
                context = fresh
                appliedTimeout = nil
                backoff.connected()
                return .success(fresh)
            } catch {
                backoff.connectFailed(error)
                return .failure(error)
            }
        }

        private mutating func applyTimeout(for batches: [[RedisCommand]], on context: HiredisContext) {
            let timeout = configuration.roundTripTimeout(for: batches.joined())
            if case .some(let applied) = appliedTimeout, applied == timeout { return }
            context.setTimeout(timeout)
            appliedTimeout = .some(timeout)
        }
    }
}
