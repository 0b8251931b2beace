import Dispatch
import Foundation
import Synchronization

/// Work done on a ``BatchingThread``: takes every request queued since the last call and answers each,
/// in order. It lives on the thread alone, so it may hold non-Sendable state (a hiredis context, a file)
/// and may block.
public protocol BatchProcessor: SendableMetatype {
    associatedtype Request: Sendable
    associatedtype Reply: Sendable

    /// Answers `requests` with one reply each, in the same order.
    mutating func process(_ requests: [Request]) -> [Reply]
    /// The reply given to requests that arrive after, or are still queued at, ``BatchingThread/close()``.
    static var closedReply: Reply { get }
}

/// A thread of its own that serves async callers in batches: group commit for blocking work.
///
/// Callers on any task `submit` a request and suspend. The thread sleeps until there is work, takes
/// every request queued since it last looked (or one, when batching is off), hands them to its processor
/// in one call, and resumes each caller with its reply. While one batch is being processed the next one
/// gathers, so the number of round trips (or fsyncs) follows the load, not the number of callers. Blocking
/// calls happen only here, never on the Swift cooperative pool or an event loop.
public final class BatchingThread<Processor: BatchProcessor>: Sendable {
    public typealias Request = Processor.Request
    public typealias Reply = Processor.Reply

    private struct Pending: Sendable {
        var request: Request
        var continuation: CheckedContinuation<Reply, Never>
    }

    private struct State {
        var queue: [Pending] = []
        var isClosed = false
    }

    private let state = Mutex(State())
    // A semaphore is safe to share between threads; it only wakes the serving thread.
    private let wakeup = DispatchSemaphore(value: 0)
    private let batching: Bool

    /// Starts the thread. `makeProcessor` runs on the new thread, so the processor never crosses threads.
    public init(name: String, batching: Bool = true, makeProcessor: @escaping @Sendable () -> Processor) {
        self.batching = batching
        let thread = Thread { [self] in
            var processor = makeProcessor()
            self.serve(&processor)
        }
        thread.name = name
        thread.start()
    }

    /// Queues the request and waits for its reply.
    public func submit(_ request: Request) async -> Reply {
        await withCheckedContinuation { continuation in
            let accepted = state.withLock { state -> Bool in
                guard !state.isClosed else { return false }
                state.queue.append(Pending(request: request, continuation: continuation))
                return true
            }
            if accepted { wakeup.signal() } else { continuation.resume(returning: Processor.closedReply) }
        }
    }

    /// Ends the thread: the batch in progress completes, queued requests get the processor's closed reply.
    public func close() {
        state.withLock { $0.isClosed = true }
        wakeup.signal()
    }

    private func serve(_ processor: inout Processor) {
        while true {
            wakeup.wait()
            let (batch, isClosed) = state.withLock { state -> ([Pending], Bool) in
                if state.isClosed {
                    defer { state.queue.removeAll() }
                    return (state.queue, true)
                }
                guard !state.queue.isEmpty else { return ([], false) }
                if batching {
                    defer { state.queue.removeAll(keepingCapacity: true) }
                    return (state.queue, false)
                }
                return ([state.queue.removeFirst()], false)
            }
            if isClosed {
                for pending in batch { pending.continuation.resume(returning: Processor.closedReply) }
                return
            }
            guard !batch.isEmpty else { continue }
            let replies = processor.process(batch.map(\.request))
            for (index, pending) in batch.enumerated() {
                pending.continuation.resume(returning: index < replies.count ? replies[index] : Processor.closedReply)
            }
        }
    }
}
