import Logging
import ServiceLifecycle
import Shared
import Synchronization

/// The requests of this ingress process waiting for a worker's answer (passive and hybrid modes), and
/// the one loop that wakes them.
///
/// A worker that stores an answer pushes `wx:{appid} <dedup key>` to this process's list
/// `wx:passive:wake:<instance>` (all accounts share it); one `BLPOP` loop (1 s timeout, on a connection of its own) resumes
/// the waiters of that key. Each timeout also resumes every waiter once to look again (a safety net for a
/// lost signal), and a sweep resumes waiters whose deadline passed. No request holds a Redis connection
/// while it waits. At most ``maximumWaiting`` requests wait at once (``enter()``).
final class PassiveWaiters: Service, Sendable {
    /// Why a waiter was resumed.
    enum Wake: Sendable, Hashable {
        /// Its answer was signalled ready.
        case signalled
        /// A periodic look (no signal within a second).
        case recheck
        /// Its deadline passed, or the process is shutting down.
        case deadline
    }

    private struct Waiter {
        var key: String
        var deadline: ContinuousClock.Instant
        var continuation: CheckedContinuation<Wake, Never>
    }

    private struct State {
        var waiters: [UInt64: Waiter] = [:]
        /// Signals that found no waiter, kept a few seconds: a worker may signal between a request's
        /// `arrive` and its `wait`, and that signal must not wait for the next periodic look.
        var early: [String: ContinuousClock.Instant] = [:]
        var nextID: UInt64 = 0
        var entered = 0
        var isClosed = false
    }

    /// This process's name in the wake-up list's key: random, new at each start.
    let instance: String
    let redis: RedisClient
    let maximumWaiting: Int
    let logger: Logger
    private let state = Mutex(State())
    /// Tells an idle sweep that a waiter or an early signal arrived (the sweep ticks only while they exist).
    private let sweepNeeded: AsyncStream<Void>
    private let needSweep: AsyncStream<Void>.Continuation

    init(redis: RedisClient, maximumWaiting: Int, logger: Logger) {
        (sweepNeeded, needSweep) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        self.redis = redis
        self.maximumWaiting = maximumWaiting
        self.logger = logger
        instance = String(UInt64.random(in: 0...UInt64.max), radix: 36)
    }

    /// Takes a place among the waiting requests; false when ``maximumWaiting`` are already waiting.
    func enter() -> Bool {
        state.withLock { state in
            guard state.entered < maximumWaiting else { return false }
            state.entered += 1
            return true
        }
    }

    /// Gives the place back.
    func leave() {
        state.withLock { $0.entered -= 1 }
    }

    /// Requests waiting right now.
    var waiting: Int { state.withLock { $0.entered } }

    /// Suspends until `key` (a ``PassiveReplyBoard/wakeToken(_:)``) is signalled, the next periodic look, or `deadline`.
    func wait(for key: String, until deadline: ContinuousClock.Instant) async -> Wake {
        guard deadline > .now else { return .deadline }
        return await withCheckedContinuation { continuation in
            let immediate = state.withLock { state -> Wake? in
                guard !state.isClosed else { return .deadline }
                if state.early.removeValue(forKey: key) != nil { return .signalled }
                state.waiters[state.nextID] = Waiter(key: key, deadline: deadline, continuation: continuation)
                state.nextID += 1
                return nil
            }
            if let immediate { continuation.resume(returning: immediate) } else { needSweep.yield() }
        }
    }

    func run() async {
        await withDiscardingTaskGroup { group in
            group.addTask { await self.sweep() }
            var failures = 0
            while !Task.isShuttingDownGracefully, !Task.isCancelled {
                do {
                    let token = try await PassiveReplyBoard.nextWake(instance, redis: redis)
                    failures = 0
                    if let token {
                        if resume({ $0.key == token ? .signalled : nil }) == 0 {
                            state.withLock { $0.early[token] = .now }
                            needSweep.yield()
                        }
                    } else {
                        resume { _ in .recheck }
                    }
                } catch {
                    failures += 1
                    if failures == 1 { logger.warning("passive replies: waiting for wake-ups failed (\(error)); looking again every second") }
                    try? await Task.sleep(for: .seconds(1))
                    resume { _ in .recheck }
                }
            }
            state.withLock { $0.isClosed = true }
            resume { _ in .deadline }
            group.cancelAll()
        }
    }

    /// Every 20 ms while anything waits, resumes the waiters whose deadline passed and forgets early
    /// signals older than 5 s; with nothing waiting (every account in `async` mode, or a quiet moment) it
    /// sleeps until a waiter or an early signal arrives instead of ticking.
    private func sweep() async {
        var needed = sweepNeeded.makeAsyncIterator()
        while !Task.isCancelled {
            if state.withLock({ $0.waiters.isEmpty && $0.early.isEmpty }) {
                guard await needed.next() != nil else { return }
            }
            try? await Task.sleep(for: .milliseconds(20))
            let now = ContinuousClock.now
            resume { $0.deadline <= now ? .deadline : nil }
            state.withLock { $0.early = $0.early.filter { now - $0.value < .seconds(5) } }
        }
    }

    /// Resumes (and forgets) every waiter `reason` gives a wake for; how many.
    @discardableResult
    private func resume(_ reason: (Waiter) -> Wake?) -> Int {
        let woken = state.withLock { state -> [(CheckedContinuation<Wake, Never>, Wake)] in
            var woken: [(CheckedContinuation<Wake, Never>, Wake)] = []
            for (id, waiter) in state.waiters {
                guard let wake = reason(waiter) else { continue }
                state.waiters.removeValue(forKey: id)
                woken.append((waiter.continuation, wake))
            }
            return woken
        }
        for (continuation, wake) in woken { continuation.resume(returning: wake) }
        return woken.count
    }
}
