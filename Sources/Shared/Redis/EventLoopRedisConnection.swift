import NIOCore
import NIOPosix
import Synchronization

/// One Redis connection whose socket SwiftNIO owns (design B, `RELAY_REDIS_IO=event-loops`): hiredis
/// only parses the replies, and nothing ever blocks a thread.
///
/// Callers on any task submit a batch; it is encoded on the caller's thread, then handed to the
/// connection's event loop, where ``EventLoopRedisLink`` writes it and completes it when its replies have
/// been read. Batches submitted in the same event-loop tick leave in one write (auto-pipelining).
final class EventLoopRedisConnection: RedisTransport {
    typealias Replies = Result<[Result<RESPValue, RedisError>], RedisError>

    private let eventLoop: any EventLoop
    private let link: NIOLoopBoundBox<EventLoopRedisLink>
    private let configuration: RedisClientConfiguration
    private let isClosed = Atomic<Bool>(false)

    /// A connection whose I/O runs on `eventLoop` (one of `MultiThreadedEventLoopGroup.singleton`'s);
    /// it connects on the first submit.
    init(configuration: RedisClientConfiguration, eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
        self.configuration = configuration
        self.link = NIOLoopBoundBox.makeBoxSendingValue(EventLoopRedisLink(configuration: configuration, eventLoop: eventLoop), eventLoop: eventLoop)
    }

    func submit(_ commands: [RedisCommand]) async -> Replies {
        if isClosed.load(ordering: .relaxed) { return .failure(.closed) }
        var encoded = ByteBufferAllocator().buffer(capacity: 0)
        for command in commands { encoded.writeRESPCommand(command) }
        let bytes = encoded
        let timeout = configuration.roundTripTimeout(for: commands)
        let count = commands.count
        return await withCheckedContinuation { continuation in
            if eventLoop.inEventLoop {
                link.value.submit(bytes, count: count, timeout: timeout, continuation: continuation)
            } else {
                eventLoop.execute { [link] in link.value.submit(bytes, count: count, timeout: timeout, continuation: continuation) }
            }
        }
    }

    func close() {
        guard !isClosed.exchange(true, ordering: .relaxed) else { return }
        eventLoop.execute { [link] in link.value.close() }
    }
}
