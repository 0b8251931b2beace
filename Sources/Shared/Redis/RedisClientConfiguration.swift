/// How a ``RedisClient`` connects: where, how many connections, and how long it waits.
public struct RedisClientConfiguration: Sendable {
    /// Where Redis is, with the credentials and database.
    public var url: RedisURL
    /// Connections shared by ordinary commands; concurrent commands on one connection are pipelined together.
    public var poolSize: Int
    /// Connections that may exist at once for blocking commands (`XREADGROUP ... BLOCK`), one command each.
    /// A blocking command beyond this waits for one to come free.
    public var maximumBlockingConnections: Int
    /// How long a TCP connect (and AUTH/SELECT) may take.
    public var connectTimeout: Duration
    /// How long a round trip may take before the connection is dropped and the callers get
    /// ``RedisError/timeout(_:)``. Blocking commands get their block window on top.
    public var commandTimeout: Duration
    /// When true (the default), commands queued on one connection while it is busy are written together
    /// and their replies read together: one round trip for many callers. False sends one at a time.
    public var autoPipelining: Bool
    /// The first wait before re-connecting after a failure; doubled on each failure up to ``maximumBackoff``.
    public var minimumBackoff: Duration
    public var maximumBackoff: Duration
    /// Who does the socket I/O: SwiftNIO's event loops or a thread per connection; by default what the
    /// process's `RELAY_REDIS_IO` says (``RedisIO/processDefault``).
    public var io: RedisIO

    public init(
        url: RedisURL = RedisURL(),
        poolSize: Int = 4,
        maximumBlockingConnections: Int = 64,
        connectTimeout: Duration = .seconds(2),
        commandTimeout: Duration = .seconds(5),
        autoPipelining: Bool = true,
        minimumBackoff: Duration = .milliseconds(100),
        maximumBackoff: Duration = .seconds(5),
        io: RedisIO = .processDefault
    ) {
        self.url = url
        self.poolSize = max(1, poolSize)
        self.maximumBlockingConnections = max(1, maximumBlockingConnections)
        self.connectTimeout = connectTimeout
        self.commandTimeout = commandTimeout
        self.autoPipelining = autoPipelining
        self.minimumBackoff = minimumBackoff
        self.maximumBackoff = maximumBackoff
        self.io = io
    }
}

extension RedisClientConfiguration {
    /// How long a round trip carrying `commands` may take: ``commandTimeout``, plus the longest block window
    /// of a blocking command among them; nil (no limit) when one may block forever.
    func roundTripTimeout(for commands: some Sequence<RedisCommand>) -> Duration? {
        var timeout = commandTimeout
        for command in commands {
            guard let window = command.blockingWindow else { continue }
            guard let finite = window else { return nil }
            timeout = max(timeout, commandTimeout + finite)
        }
        return timeout
    }
}
