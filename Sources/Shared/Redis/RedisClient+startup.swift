import Logging

extension RedisClient {
    /// Sends `PING` and logs one line saying whether Redis answered. Returns true when it did.
    @discardableResult
    public func checkReachable(logger: Logger) async -> Bool {
        do {
            try await send("PING")
            logger.info("connected to Redis at \(configuration.url)")
            return true
        } catch {
            logger.warning("Redis at \(configuration.url) is not reachable: \(error)")
            return false
        }
    }

    /// Pings until Redis answers or the task is cancelled, logging the first failure and then one line
    /// every `reportEvery` failures. Returns false only when cancelled first.
    public func waitUntilReachable(logger: Logger, retryEvery interval: Duration = .seconds(1), reportEvery: Int = 10) async -> Bool {
        var failures = 0
        while !Task.isCancelled {
            do {
                try await send("PING")
                logger.info("connected to Redis at \(configuration.url)")
                return true
            } catch {
                if failures % reportEvery == 0 {
                    logger.warning("waiting for Redis at \(configuration.url): \(error)")
                }
                failures += 1
            }
            do { try await Task.sleep(for: interval) } catch { return false }
        }
        return false
    }
}
