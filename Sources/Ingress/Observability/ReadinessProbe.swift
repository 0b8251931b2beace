import Logging
import ServiceLifecycle
import Shared
import Synchronization

/// Keeps track of whether Redis answers, so `GET /readyz` can answer at once from that state instead of
/// waiting on Redis itself.
///
/// A readiness probe that pings through the shared pool answers only after the pool's command timeout
/// (5 s) when Redis stalls (a frozen host, a partition), longer than Kubernetes waits (1 s by default):
/// every ingress pod would leave the Service just when the spool should take over. This probe pings on a
/// connection of its own, with its own short timeout, every ``interval``; Redis counts as answering while
/// the last answer is at most ``freshness`` old.
final class ReadinessProbe: Service, Sendable {
    let interval: Duration
    let freshness: Duration
    private let redis: RedisClient
    private let lastAnswer = Mutex<ContinuousClock.Instant?>(nil)

    init(url: RedisURL, io: RedisIO = .processDefault, interval: Duration = .seconds(1), timeout: Duration = .milliseconds(500), freshness: Duration = .seconds(3)) {
        self.interval = interval
        self.freshness = freshness
        var configuration = RedisClientConfiguration(url: url, poolSize: 1, maximumBlockingConnections: 1, connectTimeout: timeout, commandTimeout: timeout)
        configuration.maximumBackoff = interval
        configuration.io = io
        redis = RedisClient(configuration: configuration, logger: Logger(label: "ingress.readiness"))
    }

    /// True when Redis answered a ping within the last ``freshness``.
    var redisAnswersRecently: Bool {
        guard let last = lastAnswer.withLock({ $0 }) else { return false }
        return ContinuousClock.now - last <= freshness
    }

    /// One ping; records the time when Redis answered.
    func probe() async {
        if (try? await redis.send("PING")) != nil {
            let now = ContinuousClock.now
            lastAnswer.withLock { $0 = now }
        }
    }

    func run() async {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            await probe()
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: self.interval) }
        }
        redis.close()
    }

    func close() { redis.close() }
}
