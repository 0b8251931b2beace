import AsyncHTTPClient
import Foundation
import Logging
import ServiceLifecycle
import Shared
import Synchronization
import TestSupport
import WeChatFake

@testable import Worker

/// Builds what the worker tests share: unique AppIDs, a fake API, messages in the users' queues, workers
/// running in process, and bounded polling.
enum WorkerHarness {
    static let secret = "test-secret"

    static func uniqueAppID() -> String { "wxtest\(UInt64.random(in: 0...UInt64.max))" }

    /// The environment of a worker for `appID` against `fake`, fast timers for tests, plus `extra`.
    static func environment(appID: String, fake: FakeWeChatAPI, extra: [String: String] = [:]) throws -> [String: String] {
        var environment = [
            "REDIS_URL": try TestRedis.urlText(), "WECHAT_APPID": appID, "WECHAT_APPSECRET": secret, "WECHAT_API_BASE": fake.baseURL,
            "WORKER_METRICS_PORT": "off", "WORKER_RETRY_BASE": "10ms", "WORKER_RETRY_MAX": "50ms",
            "WORKER_MAX_ATTEMPTS": "30", "WORKER_CLAIM_IDLE": "5s", "WORKER_SHUTDOWN_GRACE": "5s", "WORKER_CONCURRENCY": "8",
        ]
        environment.merge(extra) { $1 }
        return environment
    }

    static func components(appID: String, fake: FakeWeChatAPI, extra: [String: String] = [:], handler: (any MessageHandler)? = nil) throws -> WorkerComponents {
        let environment = try environment(appID: appID, fake: fake, extra: extra)
        let configuration = try RelayConfiguration(role: .worker, environment: environment)
        let redis = RedisClient(configuration: configuration.redisClientConfiguration, logger: Logger(label: "test.redis"))
        return try WorkerComponents.make(
            configuration: configuration, settings: try WorkerSettings(environment: environment), redis: redis, handler: handler,
            logger: Logger(label: "test.worker"))
    }

    /// A text message from `user`, as the ingress would queue it.
    static func text(_ content: String, from user: String, appID: String, msgID: Int? = nil) throws -> InboundMessage {
        try fields(
            [("MsgType", "text"), ("Content", content), ("MsgId", String(msgID ?? Int.random(in: 1...Int.max)))], from: user)
    }

    /// Increasing `CreateTime`s, one second apart, as one person's messages carry them (the queue orders a
    /// user's messages by it); unique, so events of one user never share a dedup key.
    static let clock = Mutex(Int(Date().timeIntervalSince1970))

    static func fields(_ extra: [(String, String)], from user: String, createTime: Int? = nil) throws -> InboundMessage {
        let createTime =
            createTime
            ?? clock.withLock { time in
                time += 1
                return time
            }
        var fields = [XMLField("ToUserName", "gh_test"), XMLField("FromUserName", user), XMLField("CreateTime", String(createTime))]
        fields += extra.map { XMLField($0.0, $0.1) }
        return try InboundMessage(fields: fields)
    }

    /// Queues messages through the ingress's own script, in one call (so one user's stay in order).
    static func enqueue(_ messages: [InboundMessage], appID: String, redis: RedisClient) async throws {
        let queue = InboundQueue(redis: redis, keys: QueueKeys(appID: appID))
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        _ = try await queue.enqueue(messages.map { QueuedMessage(envelope: MessageEnvelope(appID: appID, receivedAtMilliseconds: now, message: $0)) })
    }

    /// Queues a message again without the ingress's dedup check, as a dead-letter replay does.
    static func addRaw(_ message: InboundMessage, appID: String, redis: RedisClient) async throws {
        let envelope = MessageEnvelope(appID: appID, receivedAtMilliseconds: 1, message: message)
        _ = try await InboundQueue(redis: redis, keys: QueueKeys(appID: appID)).enqueue([QueuedMessage(envelope: envelope)], checkingDuplicates: false)
    }

    /// Puts raw bytes at the end of `user`'s queue and makes the user ready, as a corrupt or foreign writer would.
    static func addBytes(_ bytes: String, user: String, appID: String, redis: RedisClient) async throws {
        let keys = QueueKeys(appID: appID)
        try await redis.send("RPUSH", RedisArgument(keys.userQueue(user)), RedisArgument(bytes))
        try await redis.send("INCR", RedisArgument(keys.backlog))
        try await redis.send("ZADD", RedisArgument(keys.ready), "NX", "0", RedisArgument(user))
    }

    /// True when every queued message of `appID` is finished and no user is held.
    static func isDrained(appID: String, redis: RedisClient) async -> Bool {
        guard let status = try? await QueueStatus.read(redis: redis, keys: QueueKeys(appID: appID)) else { return false }
        return status.backlog == 0 && status.usersLeased == 0 && status.usersReady == 0 && status.usersRetrying == 0
    }

    /// Polls `condition` every 20 ms for at most `seconds`; returns whether it became true.
    @discardableResult
    static func eventually(seconds: Double = 60, _ condition: () async throws -> Bool) async rethrows -> Bool {
        try await TestSupport.eventually(seconds: seconds, condition)
    }

    /// The text contents delivered to each user.
    static func deliveredTexts(_ fake: FakeWeChatAPI) -> [String: [String]] {
        var result: [String: [String]] = [:]
        for message in fake.deliveredMessages {
            if case .text(let text) = message.content { result[message.toUser, default: []].append(text) }
        }
        return result
    }
}

/// A worker running in this process until ``stop()``.
final class RunningWorker: Sendable {
    let components: WorkerComponents
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    init(_ components: WorkerComponents) {
        self.components = components
        let group = ServiceGroup(services: components.services, gracefulShutdownSignals: [], logger: Logger(label: "test.group"))
        self.group = group
        task = Task { try await group.run() }
    }

    /// Graceful shutdown, then the HTTP client.
    func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await task.value
        try? await components.httpClient.shutdown()
    }
}
