import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Shared
import TestSupport

@testable import Ingress

/// An ingress built by the production wiring (``IngressComponents``) for one test: its own appid (so its
/// own stream), its own spool folder, and the Redis it is given.
struct IngressHarness {
    static let token = "relay-test-token"
    static let aesKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"

    let components: IngressComponents
    /// The enqueue batcher's and the readiness probe's loops, which the `ServiceGroup` runs in production.
    private let batcherTask: Task<Void, Never>
    private let probeTask: Task<Void, Never>
    let appID: String
    let spoolDirectory: String

    init(redisURL: RedisURL? = nil, aesKey: String? = nil, extra: [String: String] = [:], adjustRedis: (inout RedisClientConfiguration) -> Void = { _ in }) async throws {
        appID = "wxtest\(UInt32.random(in: 0...UInt32.max))"
        spoolDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("ingress-spool-\(UInt64.random(in: 0...UInt64.max))").path
        var environment = [
            "WECHAT_TOKEN": Self.token, "WECHAT_APPID": appID, "INGRESS_HOST": "127.0.0.1", "INGRESS_PORT": "0",
            "INGRESS_SPOOL_DIR": spoolDirectory,
            // WeChat's whole window: on a loaded test machine a 1 s deadline spools what a test expects in Redis.
            "INGRESS_ENQUEUE_DEADLINE_MS": "4000",
        ]
        if let aesKey { environment["WECHAT_AES_KEY"] = aesKey }
        environment.merge(extra) { $1 }
        let configuration = try RelayConfiguration(role: .ingress, environment: environment)
        let settings = try IngressSettings(environment: environment)
        var redisConfiguration = RedisClientConfiguration(url: try redisURL ?? TestRedis.url())
        redisConfiguration.minimumBackoff = .milliseconds(10)
        redisConfiguration.maximumBackoff = .milliseconds(50)
        adjustRedis(&redisConfiguration)
        let redis = RedisClient(configuration: redisConfiguration, logger: Logger(label: "test.redis"))
        var logger = Logger(label: "test.ingress")
        logger.logLevel = .error
        components = try await IngressComponents.make(configuration: configuration, settings: settings, redis: redis, logger: logger)
        let batcher = components.batcher
        batcherTask = Task { await batcher.run() }
        let probe = components.probe
        await probe.probe()
        probeTask = Task { await probe.run() }
    }

    func close() {
        batcherTask.cancel()
        probeTask.cancel()
        components.probe.close()
        components.redis.close()
        components.spool.close()
        try? FileManager.default.removeItem(atPath: spoolDirectory)
    }

    var redis: RedisClient { components.redis }

    /// Replays the spool into Redis until it is empty, as the drainer does in production; true once drained.
    func drainSpool() async throws -> Bool {
        let drainer = components.backgroundServices.drainer
        for _ in 0..<200 {
            if await drainer.drain() { return true }
            try await Task.sleep(for: .milliseconds(20))
        }
        return false
    }

    /// Every message in this ingress's users' queues.
    func queuedEntries() async throws -> [QueuedEntry] {
        try await QueueContents.entries(redis: redis, keys: components.queue.keys)
    }

    /// A query string signed with the token, for `timestamp` (now by default) and `nonce` (a new one by
    /// default, as WeChat sends: a (timestamp, nonce) is bound to the first body it comes with).
    static func signedQuery(timestamp: Int64 = Int64(Date().timeIntervalSince1970), nonce: String = String(UInt32.random(in: 0...UInt32.max)), extra: String = "") -> String {
        let signature = WeChatSignature.urlSignature(token: token, timestamp: String(timestamp), nonce: nonce)
        return "signature=\(signature)&timestamp=\(timestamp)&nonce=\(nonce)&openid=oUser\(extra)"
    }

    /// A plaintext text message.
    static func textMessage(id: Int64, from user: String = "oABCDEFGHIJ123", content: String = "你好 👋") -> String {
        """
        <xml><ToUserName><![CDATA[gh_test]]></ToUserName><FromUserName><![CDATA[\(user)]]></FromUserName>\
        <CreateTime>1714036504</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[\(content)]]></Content>\
        <MsgId>\(id)</MsgId></xml>
        """
    }
}
