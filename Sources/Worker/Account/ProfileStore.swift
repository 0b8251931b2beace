import Logging
import Shared
import Synchronization

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Followers' profiles for the handlers (`WORKER_USER_PROFILE=on`): `user/info` as WeChat answers it
/// (`subscribe`, `language`, `remark`, `tagid_list`, `subscribe_scene`, `qr_scene_str`, `unionid`, …;
/// no nickname or avatar since 2021-12-27), cached in Redis (`wx:{appid}:profile:<openid>`) for ``ttl``.
///
/// Misses are fetched single-flight and in batches: while one fetch is on the wire, the users asked for
/// meanwhile wait for the next, which takes up to 100 of them in one `user/info/batchget` (one user:
/// `user/info`). A failure gives nil, never an error: the handler answers without the profile. Each call
/// has the client's timeout (`WORKER_USER_PROFILE_TIMEOUT`), so a caller waits at most about two of them.
final class ProfileStore: Sendable {
    /// A profile as WeChat's JSON object.
    typealias Profile = [String: JSONValue]

    let api: AccountAPI
    let redis: RedisClient
    let keys: QueueKeys
    let ttl: Duration
    let metrics: WorkerMetrics
    private let logger: Logger
    private let state = Mutex(State())
    private let failureLog = LogThrottle()

    private struct State {
        var waiters: [String: [CheckedContinuation<Profile?, Never>]] = [:]
        var pending: [String] = []
        var inFlight: Set<String> = []
        var fetching = false

        /// Takes the next batch (at most 100 users) off `pending`, or ends the fetching when none waits.
        mutating func nextBatch() -> [String]? {
            guard !pending.isEmpty else {
                fetching = false
                return nil
            }
            let batch = Array(pending.prefix(100))
            pending.removeFirst(batch.count)
            inFlight = Set(batch)
            return batch
        }
    }

    init(api: AccountAPI, redis: RedisClient, keys: QueueKeys, ttl: Duration, metrics: WorkerMetrics, logger: Logger = Logger(label: "worker.profiles")) {
        self.api = api
        self.redis = redis
        self.keys = keys
        self.ttl = ttl
        self.metrics = metrics
        self.logger = logger
    }

    /// The profile of `openID`: cached, or fetched; nil when it cannot be had now.
    func profile(of openID: String) async -> Profile? {
        if let text = try? await redis.send("GET", RedisArgument(keys.profile(openID))).string,
            let profile = try? JSONDecoder().decode(Profile.self, from: Data(text.utf8))
        {
            metrics.recordProfileLookup("cached")
            return profile
        }
        let profile = await withCheckedContinuation { (continuation: CheckedContinuation<Profile?, Never>) in
            let batch = state.withLock { state -> [String]? in
                state.waiters[openID, default: []].append(continuation)
                if !state.inFlight.contains(openID), !state.pending.contains(openID) { state.pending.append(openID) }
                guard !state.fetching else { return nil }
                state.fetching = true
                return state.nextBatch()
            }
            if let batch { Task { await self.fetchUntilDrained(first: batch) } }
        }
        metrics.recordProfileLookup(profile == nil ? "failed" : "fetched")
        return profile
    }

    /// Fetches `first`, then every batch that gathered meanwhile, resuming each batch's waiters.
    private func fetchUntilDrained(first: [String]) async {
        var batch = first
        while true {
            let profiles = await fetch(batch)
            let (resumed, next) = state.withLock { state -> ([(CheckedContinuation<Profile?, Never>, Profile?)], [String]?) in
                var resumed: [(CheckedContinuation<Profile?, Never>, Profile?)] = []
                for openID in batch {
                    for waiter in state.waiters.removeValue(forKey: openID) ?? [] { resumed.append((waiter, profiles[openID])) }
                }
                state.inFlight = []
                return (resumed, state.nextBatch())
            }
            for (waiter, profile) in resumed { waiter.resume(returning: profile) }
            guard let next else { return }
            batch = next
        }
    }

    /// One call for `batch`; the profiles by openid, cached in Redis; empty on failure.
    private func fetch(_ batch: [String]) async -> [String: Profile] {
        var profiles: [String: Profile] = [:]
        do {
            if batch.count == 1, let openID = batch.first {
                metrics.recordProfileFetch(api: "info")
                profiles[openID] = try await api.get("/cgi-bin/user/info", query: [("openid", openID), ("lang", "zh_CN")])
            } else {
                metrics.recordProfileFetch(api: "batchget")
                let list = JSONValue.array(batch.map { .object(["openid": .string($0), "lang": .string("zh_CN")]) })
                let answer = try await api.post("/cgi-bin/user/info/batchget", object: .object(["user_list": list]))
                for item in answer["user_info_list"]?.array ?? [] {
                    if let profile = item.object, let openID = profile["openid"]?.string { profiles[openID] = profile }
                }
            }
        } catch {
            if failureLog.allow("fetch") {
                logger.warning("cannot fetch user profiles (\(error)); replies go without them (logged once a minute; wechat_worker_profile_lookups_total counts them)")
            }
            return [:]
        }
        let commands = profiles.map { openID, profile in
            RedisCommand(
                "SET", RedisArgument(keys.profile(openID)), RedisArgument(bytes: AccountAPI.encode(.object(profile))), "PX", RedisArgument(ttl.milliseconds))
        }
        if !commands.isEmpty { _ = try? await redis.pipeline(commands) }
        return profiles
    }
}
