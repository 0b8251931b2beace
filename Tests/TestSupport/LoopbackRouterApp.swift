import Hummingbird
import Logging
import ServiceLifecycle

/// A Hummingbird router served on a free loopback port for the length of a test: a team's webhook, a
/// server the worker downloads from. ``stop()`` ends it.
public final class LoopbackRouterApp: Sendable {
    public let port: Int
    private let group: ServiceGroup

    /// Starts serving `router` on 127.0.0.1 and returns once it accepts connections.
    public init(_ router: Router<BasicRequestContext>, logger: Logger = Logger(label: "test.app")) async throws {
        let (stream, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { continuation.yield($0.localAddress?.port ?? 0) }, logger: logger)
        let group = ServiceGroup(services: [app], gracefulShutdownSignals: [], logger: logger)
        Task { try await group.run() }
        var bound = 0
        for await port in stream {
            bound = port
            break
        }
        self.group = group
        self.port = bound
    }

    public func stop() async {
        await group.triggerGracefulShutdown()
    }
}
