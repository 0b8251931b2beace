// Design: blocking hiredis contexts, each on a thread of its own, with auto-pipelining.
//
// hiredis's calls block on the socket, and the Swift cooperative pool has only as many threads as cores
// (two here), so no hiredis call may ever run on it or on an event loop. Two designs keep that rule:
//   (A) each connection owns a dedicated thread that runs hiredis's blocking API; async callers enqueue
//       and suspend, and the thread writes everything queued in one go and reads the replies in order;
//   (B) SwiftNIO owns the sockets and hiredis is only the codec (redisFormatCommandArgv + redisReader).
// We chose (A). It keeps hiredis doing the I/O it was built for, in about a third of the code of (B), and
// auto-pipelining gives it what (B) gets for free: under concurrency one round trip carries many callers'
// commands, so the cost of the thread hand-off is paid per batch, not per command. `make bench-redis`
// measures it against redis-benchmark on the same server (BENCHMARKS.md): with 64 concurrent callers the
// client is well above the 50% goal, which is what (B) could at best have bought back.
//
// Blocking commands (`XREADGROUP ... BLOCK`, `BLPOP`, ...) would stall every caller pipelined behind them,
// so they get a connection (and thread) of their own, leased for the one command.

import Logging
import ServiceLifecycle
import Synchronization

/// An async Redis client over hiredis: a fixed pool of pipelining connections for ordinary commands plus
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
