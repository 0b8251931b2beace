import Logging
import ServiceLifecycle
import Shared
import Synchronization

/// WeChat's callback IPs as a worker stored them in Redis (`wx:{appid}:callback_ips`, from
/// `getcallbackip`), re-read every ``interval`` so a request never waits on Redis for it.
///
/// ``networks`` is nil while there is no list: never loaded, or the key is missing (no worker has fetched
/// it, or it expired after days without a refresh). A Redis failure keeps the list last read.
final class CallbackIPList: Service, Sendable {
    let redis: RedisClient
    let key: String
    let interval: Duration
    private let logger: Logger
    private let state = Mutex<[IPNetwork]?>(nil)

    init(redis: RedisClient, keys: QueueKeys, interval: Duration = .seconds(60), logger: Logger) {
        self.redis = redis
        key = keys.callbackIPs
        self.interval = interval
        self.logger = logger
    }

    /// The addresses and blocks WeChat pushes from; nil when there is no list.
    var networks: [IPNetwork]? { state.withLock { $0 } }

    /// Reads the list once; false when Redis did not answer (the list in force is kept).
    @discardableResult
    func reload() async -> Bool {
        let text: String?
        do {
            text = try await redis.send("GET", RedisArgument(key)).string
        } catch {
            logger.debug("cannot read the callback IP list (\(error)); keeping the one in force")
            return false
        }
        let networks = text.map { list in
            list.split(whereSeparator: \.isNewline).compactMap { line -> IPNetwork? in
                guard let network = IPNetwork(parsing: line) else {
                    logger.warning("skipped '\(line)' in the callback IP list: not an address or CIDR block")
                    return nil
                }
                return network
            }
        }
        state.withLock { $0 = networks }
        return true
    }

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            await reload()
            // Wakes at once on SIGTERM, so the ingress stops without waiting out the interval.
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: self.interval) }
        }
    }
}
