import Logging
import ServiceLifecycle
import Shared

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Keeps WeChat's callback IPs (`getcallbackip`) in Redis for the ingress's source check, refreshed once
/// per ``interval`` (`WORKER_CALLBACK_IP_REFRESH`, a day by default, as WeChat advises) by whichever
/// worker first sets `wx:{appid}:callback_ips:due` (`SET NX PX interval`); the others see it set and skip
/// (unless the list is missing over a minute after that claim: then the next check takes over).
/// A failed fetch clears the marker, so the next check (every few minutes) tries again. The list itself
/// lives ``listLifetime``: a list no worker could refresh for that long goes, and the ingress fails open.
struct CallbackIPRefreshService: Service {
    let api: AccountAPI
    let redis: RedisClient
    let keys: QueueKeys
    let interval: Duration
    let metrics: WorkerMetrics
    let logger: Logger

    /// How long a list is kept without a refresh.
    static let listLifetime = Duration.seconds(7 * 86_400)

    /// How often a worker looks whether the list is due.
    var checkInterval: Duration { min(interval, .seconds(300)) }

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            await refreshIfDue()
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: checkInterval) }
        }
    }

    /// Refreshes the list when it is due (or missing); nil when it was not this worker's turn, else
    /// whether the refresh worked.
    @discardableResult
    func refreshIfDue() async -> Bool? {
        let owner = UUID().uuidString
        do {
            let claim = RedisCommand("SET", RedisArgument(keys.callbackIPsDue), RedisArgument(owner), "PX", RedisArgument(interval.milliseconds), "NX")
            if try await redis.send(claim).isNull {
                // Not due. Unless the list is gone (flushed, deleted) although a refresh was claimed over
                // a minute ago: then take over rather than leave the ingress without a list until due.
                let missing = try await redis.send("EXISTS", RedisArgument(keys.callbackIPs)).integer == 0
                let left = try await redis.send("PTTL", RedisArgument(keys.callbackIPsDue)).integer ?? 0
                guard missing, left < interval.milliseconds - 60_000 else { return nil }
                try await redis.send("SET", RedisArgument(keys.callbackIPsDue), RedisArgument(owner), "PX", RedisArgument(interval.milliseconds))
            }
        } catch {
            logger.debug("cannot check whether the callback IP list is due: \(error)")
            return nil
        }
        do {
            let answer = try await api.get("/cgi-bin/getcallbackip")
            let list = (answer["ip_list"]?.array ?? []).compactMap(\.string).filter { !$0.isEmpty }
            guard !list.isEmpty else { throw WeChatAPIError.invalidResponse("getcallbackip answered no ip_list") }
            try await redis.send(
                "SET", RedisArgument(keys.callbackIPs), RedisArgument(list.joined(separator: "\n")), "PX", RedisArgument(Self.listLifetime.milliseconds))
            metrics.recordCallbackIPRefresh(ok: true)
            logger.info("refreshed WeChat's callback IPs: \(list.count) entries in \(keys.callbackIPs)")
            return true
        } catch {
            metrics.recordCallbackIPRefresh(ok: false)
            logger.warning("cannot refresh WeChat's callback IPs (\(error)); trying again in \(checkInterval)")
            _ = try? await redis.run(SharedCredential.compareAndDelete, keys: [RedisArgument(keys.callbackIPsDue)], arguments: [RedisArgument(owner)])
            return false
        }
    }
}
