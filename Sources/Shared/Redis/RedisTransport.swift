import NIOPosix

/// One Redis connection as ``RedisClient`` uses it, whichever design does the I/O (``RedisIO``):
/// ``RedisConnection`` (a thread of its own, blocking hiredis) or ``EventLoopRedisConnection`` (SwiftNIO's
/// sockets, hiredis as the codec).
///
/// The contract both keep: `submit` may be called from any task, concurrently; each batch's replies come
/// back in command order, an error reply failing only its own slot; an I/O error or timeout drops the
/// connection and fails the callers whose replies were owed; the next batch reconnects, failing fast with
/// the last error while a doubling backoff runs; after `close()` every batch gets ``RedisError/closed``.
protocol RedisTransport: Sendable {
    /// Sends the commands and returns their replies in order, or the error that stopped the round trip.
    func submit(_ commands: [RedisCommand]) async -> Result<[Result<RESPValue, RedisError>], RedisError>
    /// Ends the connection: batches not yet answered, and every later one, get ``RedisError/closed``.
    func close()
}

extension RedisConnection: RedisTransport {}

extension RedisClientConfiguration {
    /// A new connection of the configured design (a leased one for blocking commands).
    func makeTransport(name: String) -> any RedisTransport {
        switch io {
        case .threads: return RedisConnection(name: name, configuration: self)
        case .eventLoops: return EventLoopRedisConnection(configuration: self, eventLoop: MultiThreadedEventLoopGroup.singleton.next())
        }
    }
}
