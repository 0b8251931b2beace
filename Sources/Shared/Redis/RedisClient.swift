// Design: SwiftNIO owns the sockets, hiredis is only the codec; auto-pipelining on both designs.
//
// hiredis's calls block on the socket, and the Swift cooperative pool and the event loops have only as
// many threads as cores (two here), so no blocking hiredis call may ever run on them. Two designs keep that
// rule, and both are here, chosen by `RELAY_REDIS_IO` (``RedisIO``):
//   (A) `threads`: each connection owns a dedicated thread that runs hiredis's blocking API
//       (``RedisConnection``); async callers enqueue and suspend, and the thread writes everything queued
//       in one go, blocks reading the replies in order, and resumes the callers;
//   (B) `event-loops`, the default: SwiftNIO owns the sockets on `MultiThreadedEventLoopGroup.singleton`
//       (``EventLoopRedisConnection``); commands are encoded as RESP on the caller's thread, written and
//       flushed once per event-loop tick, and the replies parsed by hiredis's `redisReader`
//       (``HiredisReader``) complete a FIFO of waiting callers. A task running on an event loop (the
//       services' executor, ``EventLoopTaskExecutor``) uses a connection of its own loop
//       (``RedisConnectionPool``), so a round trip wakes no other thread.
// (A) was first, for being the smaller; (B) is the default since issue 17 ("CPU per message") because each
// round trip of (A) costs two thread hand-offs (caller → Redis thread → caller) that (B) does not pay.
// Measured on the 2-core machine shared with other builds (load 4–15, so read the ratios and the counts;
// release build, both designs in one run each):
//   - `worker-bench cost` (20 000 replies, best of 2 rounds, the worker with each design in the same run):
//     at load 1–4, (B) 1.0 thread sleeps and 5.0 read + write calls per reply, 558 µs process + 206 µs
//     redis-server CPU; (A) 2.3 sleeps, 6.5 calls, 557 + 209 µs. At load 9–15: (B) 1.3 sleeps, 5.2 calls;
//     (A) 2.1 sleeps, 5.8 calls. So (B) halves the thread sleeps and saves up to a quarter of the system
//     calls, while CPU per reply stays within the noise: the hand-offs were not where the CPU went.
//     Flushing after every batch instead of once per tick: 6.8 calls per reply and 221 µs redis-server.
//   - `make bench-redis` (XADD, ratio to redis-benchmark -P 1 in the same run, 1 / 16 / 64 callers):
//     one round trip each (A) 42 / 46 / 34 %, (B) 66 / 48 / 52 %; auto-pipelined (A) 58 / 64 / 120 %,
//     (B) 59 / 83 / 140 %; pipeline(16) against -P 16: (A) 125 / 74 / 81 %, (B) 77 / 79 / 77 %.
// (A) stays as the fallback and the A/B baseline; `make test` passes with either (`RELAY_REDIS_IO=threads
// make test`), and the Redis tests run every case against both.
//
// Blocking commands (`XREADGROUP ... BLOCK`, `BLPOP`, ...) would stall every caller pipelined behind them,
// so they get a connection of their own (and, with (A), a thread), leased for the one command.

import Logging
import ServiceLifecycle
import Synchronization

/// An async Redis client (hiredis parses, SwiftNIO or a thread per connection does the I/O): a fixed pool of pipelining connections for ordinary commands plus
/// leased connections for blocking ones. Create one per process, share it, and run it in the process's
/// `ServiceGroup` (it closes its connections on graceful shutdown).
///
/// ```swift
/// let redis = RedisClient(configuration: .init(url: try RedisURL(parsing: "redis://127.0.0.1:6379/0")), logger: logger)
/// let id = try await redis.send("XADD", "wx:in", "*", "body", "hello 👋")
/// ```
public final class RedisClient: Service, Sendable {
    public let configuration: RedisClientConfiguration
    private let logger: Logger
    private let pool: RedisConnectionPool
    private let blocking: Mutex<BlockingConnections>

    private struct BlockingConnections {
        var idle: [any RedisTransport] = []
        var open = 0
        var waiting: [CheckedContinuation<(any RedisTransport)?, Never>] = []
        var isClosed = false
    }

    public init(configuration: RedisClientConfiguration, logger: Logger = Logger(label: "redis")) {
        self.configuration = configuration
        self.logger = logger
        self.pool = RedisConnectionPool(configuration: configuration)
        self.blocking = Mutex(BlockingConnections())
    }

    deinit { close() }

    /// Runs one command; error replies throw ``RedisError/server(_:)`` with the server's message.
    @discardableResult
    public func send(_ arguments: RedisArgument...) async throws(RedisError) -> RESPValue {
        try await send(RedisCommand(arguments))
    }

    /// Runs one command; error replies throw ``RedisError/server(_:)`` with the server's message.
    @discardableResult
    public func send(_ command: RedisCommand) async throws(RedisError) -> RESPValue {
        let replies = try await execute([command])
        guard let reply = replies.first else { throw .unexpectedReply("no reply for \(command.name)") }
        return try reply.get()
    }

    /// Runs the commands in one round trip and returns one result per command, in order; an error reply
    /// fails only its own slot. Throws when the round trip itself fails (connection lost, timeout).
    public func pipeline(_ commands: [RedisCommand]) async throws(RedisError) -> [Result<RESPValue, RedisError>] {
        guard !commands.isEmpty else { return [] }
        return try await execute(commands)
    }

    /// Closes every connection; queued and later commands fail with ``RedisError/closed``.
    public func close() {
        pool.close()
        let (idle, waiting) = blocking.withLock { state in
            state.isClosed = true
            defer {
                state.idle.removeAll()
                state.waiting.removeAll()
            }
            return (state.idle, state.waiting)
        }
        for connection in idle { connection.close() }
        for waiter in waiting { waiter.resume(returning: nil) }
    }

    /// Waits for graceful shutdown, then closes the connections. Put the client first in the
    /// `ServiceGroup` so it is shut down last, after the services that use it.
    public func run() async throws {
        try? await gracefulShutdown()
        logger.debug("closing redis connections")
        close()
    }

    private func execute(_ commands: [RedisCommand]) async throws(RedisError) -> [Result<RESPValue, RedisError>] {
        if commands.contains(where: { $0.blockingWindow != nil }) {
            return try await executeOnLeasedConnection(commands)
        }
        return try await pool.connection().submit(commands).get()
    }

    private func executeOnLeasedConnection(_ commands: [RedisCommand]) async throws(RedisError) -> [Result<RESPValue, RedisError>] {
        guard let connection = await leaseBlockingConnection() else { throw .closed }
        let replies = await connection.submit(commands)
        returnBlockingConnection(connection)
        return try replies.get()
    }

    private func leaseBlockingConnection() async -> (any RedisTransport)? {
        enum Lease {
            case ready(any RedisTransport)
            case create(Int)
            case wait, closed
        }
        let lease = blocking.withLock { state -> Lease in
            if state.isClosed { return .closed }
            if let connection = state.idle.popLast() { return .ready(connection) }
            if state.open < configuration.maximumBlockingConnections {
                state.open += 1
                return .create(state.open)
            }
            return .wait
        }
        switch lease {
        case .ready(let connection): return connection
        case .create(let number): return configuration.makeTransport(name: "redis-blocking-\(number)")
        case .closed: return nil
        case .wait:
            return await withCheckedContinuation { continuation in
                let closed = blocking.withLock { state -> Bool in
                    if state.isClosed { return true }
                    if let connection = state.idle.popLast() {
                        continuation.resume(returning: connection)
                    } else {
                        state.waiting.append(continuation)
                    }
                    return false
                }
                if closed { continuation.resume(returning: nil) }
            }
        }
    }

    private func returnBlockingConnection(_ connection: any RedisTransport) {
        enum Return {
            case handOver(CheckedContinuation<(any RedisTransport)?, Never>)
            case kept, close
        }
        let next = blocking.withLock { state -> Return in
            if state.isClosed { return .close }
            if !state.waiting.isEmpty { return .handOver(state.waiting.removeFirst()) }
            state.idle.append(connection)
            return .kept
        }
        switch next {
        case .handOver(let waiter): waiter.resume(returning: connection)
        case .kept: break
        case .close: connection.close()
        }
    }
}
