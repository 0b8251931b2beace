import NIOCore
import NIOPosix
import Synchronization

/// The fixed connections a ``RedisClient`` shares between ordinary commands, and which one a command takes.
///
/// Commands go round-robin. With event-loop connections (``RedisIO/eventLoops``) the connections are
/// spread evenly over `MultiThreadedEventLoopGroup.singleton`'s loops, and a task running on one of those
/// loops takes a connection of its own loop: its command is written, its reply read, and the task resumed
/// without waking another thread.
final class RedisConnectionPool: Sendable {
    private struct LoopConnections: Sendable {
        let loop: any EventLoop
        let connections: [any RedisTransport]
    }

    private let connections: [any RedisTransport]
    private let byLoop: [LoopConnections]
    private let next = Atomic<Int>(0)

    init(configuration: RedisClientConfiguration) {
        switch configuration.io {
        case .threads:
            connections = (0..<configuration.poolSize).map { RedisConnection(name: "redis-\($0)", configuration: configuration) }
            byLoop = []
        case .eventLoops:
            let loops = Array(MultiThreadedEventLoopGroup.singleton.makeIterator())
            let made = (0..<configuration.poolSize).map { index in
                (loop: loops[index % loops.count], connection: EventLoopRedisConnection(configuration: configuration, eventLoop: loops[index % loops.count]))
            }
            connections = made.map(\.connection)
            byLoop = loops.compactMap { loop in
                let own = made.filter { $0.loop === loop }.map { $0.connection as any RedisTransport }
                return own.isEmpty ? nil : LoopConnections(loop: loop, connections: own)
            }
        }
    }

    /// The connection for the next command: one on the current event loop when there is one.
    func connection() -> any RedisTransport {
        let index = next.wrappingAdd(1, ordering: .relaxed).oldValue & Int.max
        if !byLoop.isEmpty, let current = MultiThreadedEventLoopGroup.currentEventLoop {
            for entry in byLoop where entry.loop === current {
                return entry.connections[index % entry.connections.count]
            }
        }
        return connections[index % connections.count]
    }

    /// Closes every connection.
    func close() {
        for connection in connections { connection.close() }
    }
}
