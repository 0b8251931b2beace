import Dispatch
import Foundation
import Synchronization

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

    private struct Batch: Sendable {
        var commands: [RedisCommand]
        var continuation: CheckedContinuation<Replies, Never>

        /// The longest block window among the commands: nil for none, `.some(nil)` for "forever".
        var blockingWindow: Duration?? {
            var longest: Duration?? = nil
            for command in commands {
                guard let window = command.blockingWindow else { continue }
                guard let finite = window else { return .some(nil) }
                if case .some(.some(let current)) = longest, current >= finite { continue }
                longest = .some(finite)
            }
            return longest
        }
    }

    private struct State {
        var queue: [Batch] = []
        var isClosed = false
    }

    private let state = Mutex(State())
    // DispatchSemaphore is thread-safe by design; it only wakes the connection thread.
    private let wakeup = DispatchSemaphore(value: 0)
    private let configuration: RedisClientConfiguration

    init(name: String, configuration: RedisClientConfiguration) {
        self.configuration = configuration
        let thread = Thread { [self] in self.serve() }
        thread.name = name
        thread.start()
    }

    /// Sends the commands in one write and returns their replies in order, or the error that stopped the
    /// round trip.
    func submit(_ commands: [RedisCommand]) async -> Replies {
        await withCheckedContinuation { continuation in
            let accepted = state.withLock { state -> Bool in
                guard !state.isClosed else { return false }
                state.queue.append(Batch(commands: commands, continuation: continuation))
                return true
            }
            if accepted { wakeup.signal() } else { continuation.resume(returning: .failure(.closed)) }
        }
    }

    /// Stops the thread once the batches already queued are answered with ``RedisError/closed``.
    func close() {
        state.withLock { $0.isClosed = true }
        wakeup.signal()
    }

    // MARK: - The connection thread

    private func serve() {
        var link = Link(configuration: configuration)
        while true {
            wakeup.wait()
            let (batches, isClosed) = state.withLock { state -> ([Batch], Bool) in
                if state.isClosed {
                    defer { state.queue.removeAll() }
                    return (state.queue, true)
                }
                guard !state.queue.isEmpty else { return ([], false) }
                if configuration.autoPipelining {
                    defer { state.queue.removeAll(keepingCapacity: true) }
                    return (state.queue, false)
                }
                return ([state.queue.removeFirst()], false)
            }
            if isClosed {
                for batch in batches { batch.continuation.resume(returning: .failure(.closed)) }
                return
            }
            if !batches.isEmpty { link.roundTrip(batches) }
        }
    }

    /// The thread-confined part: the hiredis context and the reconnect bookkeeping.
    private struct Link {
        let configuration: RedisClientConfiguration
        var context: HiredisContext?
        var appliedTimeout: Duration?? = nil
        var backoff: Duration
        var retryAfter: ContinuousClock.Instant?
        var lastFailure: RedisError?

        init(configuration: RedisClientConfiguration) {
            self.configuration = configuration
            self.backoff = configuration.minimumBackoff
        }

        mutating func roundTrip(_ batches: [Batch]) {
            let context: HiredisContext
            switch connected() {
            case .success(let ready): context = ready
            case .failure(let error):
                for batch in batches { batch.continuation.resume(returning: .failure(error)) }
                return
            }
            applyTimeout(for: batches, on: context)
            var answered = 0
            do throws(RedisError) {
                for batch in batches {
                    for command in batch.commands { try context.append(command.arguments.map(\.bytes)) }
                }
                for batch in batches {
                    var replies: [Result<RESPValue, RedisError>] = []
                    replies.reserveCapacity(batch.commands.count)
                    for _ in batch.commands { replies.append(try context.readReply()) }
                    batch.continuation.resume(returning: .success(replies))
                    answered += 1
                }
            } catch {
                // The replies still owed can no longer be matched to their commands: drop the connection.
                for batch in batches[answered...] { batch.continuation.resume(returning: .failure(error)) }
                self.context = nil
                lastFailure = error
            }
        }

        /// The live context, connecting when there is none and the backoff allows it.
        private mutating func connected() -> Result<HiredisContext, RedisError> {
            if let context {
                if !context.isPeerClosed { return .success(context) }
                self.context = nil
            }
            let now = ContinuousClock.now
            if let retryAfter, now < retryAfter {
                let reason = lastFailure.map { String(describing: $0) } ?? "unknown error"
                return .failure(.connection("Redis at \(configuration.url) is unavailable, next connect attempt in \(retryAfter - now) (last error: \(reason))"))
            }
            do throws(RedisError) {
                let fresh = try HiredisContext(url: configuration.url, connectTimeout: configuration.connectTimeout)
                context = fresh
                appliedTimeout = nil
                retryAfter = nil
                backoff = configuration.minimumBackoff
                return .success(fresh)
            } catch {
                lastFailure = error
                retryAfter = now + backoff
                backoff = min(backoff * 2, configuration.maximumBackoff)
                return .failure(error)
            }
        }

        private mutating func applyTimeout(for batches: [Batch], on context: HiredisContext) {
            var timeout: Duration? = configuration.commandTimeout
            for batch in batches {
                guard let window = batch.blockingWindow else { continue }
                guard let finite = window else {
                    timeout = nil
                    break
                }
                timeout = max(timeout ?? .zero, configuration.commandTimeout + finite)
            }
            if case .some(let applied) = appliedTimeout, applied == timeout { return }
            context.setTimeout(timeout)
            appliedTimeout = .some(timeout)
        }
    }
}
