import Logging
import ServiceLifecycle
import Shared

/// The worker's consuming side. For now it waits for Redis and makes sure the consumer group exists
/// (created at id `0` so messages queued before any worker ran are delivered); reading and handling
/// messages comes with the worker issue.
struct ConsumerService: Service {
    let redis: RedisClient
    let keys: QueueKeys
    let logger: Logger

    func run() async throws {
        try await cancelWhenGracefulShutdown {
            guard await redis.waitUntilReachable(logger: logger) else { return }
            do {
                try await redis.send("XGROUP", "CREATE", RedisArgument(keys.inbound), RedisArgument(keys.consumerGroup), "0", "MKSTREAM")
                logger.info("created consumer group \(keys.consumerGroup) on \(keys.inbound)")
            } catch let error as RedisError where error.serverErrorCode == "BUSYGROUP" {
                logger.info("consumer group \(keys.consumerGroup) on \(keys.inbound) is ready")
            }
            try await gracefulShutdown()
        }
    }
}
