import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import Shared
import Synchronization
import TestSupport
import Testing
import WeChatFake

#if canImport(Glibc)
import Glibc
#endif

/// One whole relay for one system test, every part real but WeChat: a private `redis-server`, the built
/// `ingress` executable, as many built `worker` processes as the test starts, and the in-process fake
/// `api.weixin.qq.com`. Messages reach the ingress the way WeChat sends them (signed, optionally
/// encrypted, over HTTP).
///
/// The fixture owns every process it starts: releasing it (the end of the test, or an error thrown
/// out of it) kills them all, so no test leaves a process behind, also when it fails.
final class SystemFixture: Sendable {
    static let appID = "wxsystemtest"
    static let secret = "system-secret"
    static let token = "systemtoken"
    static let aesKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"

    let redisServer: RedisServerProcess
    /// A client of the private Redis, for looking at the queue.
    let redis: RedisClient
    let fake: FakeWeChatAPI
    let keys = QueueKeys(appID: appID)
    let ingressPort: Int
    let ingress: ServiceProcess
    private let spool: URL
    private let workerEnvironment: [String: String]
    private let workers = Mutex<[ServiceProcess]>([])

    /// Starts Redis (with `redisArguments`), the fake API (with `faults`) and the ingress, and waits until
    /// the ingress is ready. Workers get fast test timers, overridden by `worker`.
    /// `ingress` adds to the ingress's environment; `apps` are more accounts the fake knows (appid → secret);
    /// `unverified` makes the fake answer 48001 to the main account's customer-service sends.
    init(
        faults: FakeWeChatFaults = FakeWeChatFaults(), redisArguments: [String] = [], worker: [String: String] = [:], ingress ingressExtra: [String: String] = [:],
        apps: [String: String] = [:], unverified: Bool = false
    ) async throws {
        // A server that refuses a large body early must not kill the test process with SIGPIPE.
        signal(SIGPIPE, SIG_IGN)
        redisServer = try await RedisServerProcess(extraArguments: redisArguments)
        redis = RedisClient(configuration: RedisClientConfiguration(url: redisServer.url()), logger: Logger(label: "system.redis"))
        fake = FakeWeChatAPI(apps: apps.merging([Self.appID: Self.secret]) { $1 }, faults: faults, unverified: unverified ? [Self.appID] : [])
        try await fake.start()
        spool = FileManager.default.temporaryDirectory.appendingPathComponent("system-spool-\(UInt64.random(in: 0...UInt64.max))")
        ingressPort = try Loopback.freePort()
        let redisURL = "redis://127.0.0.1:\(redisServer.port)/0"
        ingress = try ServiceProcess(
            "ingress",
            environment: [
                "REDIS_URL": redisURL, "WECHAT_TOKEN": Self.token, "WECHAT_APPID": Self.appID, "WECHAT_AES_KEY": Self.aesKey,
                "INGRESS_HOST": "127.0.0.1", "INGRESS_PORT": String(ingressPort), "INGRESS_SPOOL_DIR": spool.path,
                // The system tests push in all three modes, as during a switch of the console's mode;
                // IngressTests/SafeModeTests cover the refusal of plaintext when this is off.
                "WECHAT_ACCEPT_PLAINTEXT": "true",
            ].merging(ingressExtra) { $1 })
        workerEnvironment = [
            "REDIS_URL": redisURL, "WECHAT_APPID": Self.appID, "WECHAT_APPSECRET": Self.secret, "WECHAT_API_BASE": fake.baseURL,
            "WORKER_METRICS_PORT": "off", "WORKER_CONCURRENCY": "8", "WORKER_CLAIM_IDLE": "2s", "WORKER_SHUTDOWN_GRACE": "2s",
            "WORKER_RETRY_BASE": "50ms", "WORKER_RETRY_MAX": "500ms",
        ].merging(worker) { $1 }
        try await waitUntilReady()
    }

    deinit {
        // Kill outright whatever still runs; Redis dies in RedisServerProcess's deinit.
        let processes = workers.withLock { $0 } + [ingress]
        for process in processes {
            process.signal(SIGKILL)
            try? FileManager.default.removeItem(at: process.logFile)
        }
        redis.close()
        try? FileManager.default.removeItem(at: spool)
        // The fake's running server holds on to it (its routes capture it): only stop() ends it.
        let fake = fake
        Task { await fake.stop() }
    }

    // MARK: Processes

    /// Starts `count` worker processes and waits until each is consuming (its `consuming … as …` line),
    /// so that messages pushed next are shared among all of them.
    @discardableResult
    func startWorkers(_ count: Int) async throws -> [ServiceProcess] {
        let started = try (0..<count).map { _ in try ServiceProcess("worker", environment: workerEnvironment) }
        workers.withLock { $0 += started }
        guard await eventually(seconds: 30, { started.allSatisfy { $0.log.contains("consuming the users' queues of \(keys.prefix) as") } }) else {
            throw SystemFixtureError(description: "the workers did not start consuming\n\(logTail())")
        }
        return started
    }

    /// Sends `signal` to `process` and waits for it to end (off the cooperative pool); its exit status.
    @discardableResult
    func stop(_ process: ServiceProcess, signal: Int32) async -> Int32 {
        (try? await offThePool { process.stop(signal: signal) }) ?? -1
    }

    /// Stops the redis-server (SIGTERM: a clean shutdown that writes the append-only file).
    func stopRedis(signal: Int32) async {
        let server = redisServer
        _ = try? await offThePool { server.stop(signal: signal) }
    }

    /// The last lines every process printed, for failure messages.
    func logTail() -> String {
        (workers.withLock { $0 } + [ingress]).map { "--- \($0.name) \($0.processIdentifier):\n\($0.log.suffix(1_500))" }.joined(separator: "\n")
    }

    // MARK: Pushing like WeChat

    var endpoint: String { "http://127.0.0.1:\(ingressPort)/wechat" }

    func pusher(_ mode: WeChatPusher.Mode = .plaintext) throws -> WeChatPusher {
        try WeChatPusher(endpoint: endpoint, token: Self.token, appID: Self.appID, encodingAESKey: mode == .plaintext ? nil : Self.aesKey, mode: mode)
    }

    /// `count` text messages `tag-0`, `tag-1`, … from `users` users (`o-tag-0`, …); the worker's built-in
    /// rules echo each text, so a reply's text names its message.
    static func textMessages(_ count: Int, tag: String, users: Int) -> [SimulatedMessage] {
        (0..<count).map { SimulatedMessage(from: "o-\(tag)-\($0 % users)", kind: .text("\(tag)-\($0)")) }
    }

    /// Pushes each message once, `parallel` at a time, as `mode` demands; the answers in order.
    func push(_ messages: [SimulatedMessage], mode: WeChatPusher.Mode = .plaintext, parallel: Int = 8) async throws -> [PushResult] {
        let pusher = try pusher(mode)
        return try await send(try messages.map { try pusher.request(for: $0) }, parallel: parallel)
    }

    /// POSTs the requests, `parallel` at a time (a request sent again is a WeChat retry); the answers in order.
    func send(_ requests: [PushRequest], parallel: Int = 8) async throws -> [PushResult] {
        let pusher = try pusher()
        return try await withThrowingTaskGroup(of: (Int, PushResult).self) { group in
            var results = [PushResult?](repeating: nil, count: requests.count)
            for (index, request) in requests.enumerated() {
                if index >= parallel, let (done, result) = try await group.next() { results[done] = result }
                group.addTask { (index, try await pusher.send(request, using: HTTPClient.shared, timeout: .seconds(20))) }
            }
            for try await (done, result) in group { results[done] = result }
            return results.compactMap { $0 }
        }
    }

    // MARK: Looking at Redis

    /// Messages ever queued (within the dedup window): one dedup key each, set in the same script call
    /// that queued the message, whether it is finished by now or not.
    func messagesQueued() async throws -> Int {
        var count = 0
        var cursor = "0"
        repeat {
            let reply = try await redis.send("SCAN", RedisArgument(cursor), "MATCH", RedisArgument(keys.dedup("*")), "COUNT", "1000")
            cursor = reply.array?.first?.string ?? "0"
            count += reply.array?.last?.array?.count ?? 0
        } while cursor != "0"
        return count
    }

    /// Messages waiting in all users' queues (the heads in flight included).
    func backlog() async throws -> Int {
        try await InboundQueue(redis: redis, keys: keys).backlog()
    }

    /// Users held right now: by any worker, or by one worker process (its consumer name is
    /// `host-PID-random`, the tail of its lease tokens).
    func pending(of worker: ServiceProcess? = nil) async throws -> Int {
        let tokens = try await redis.send("HVALS", RedisArgument(keys.owner)).array?.compactMap(\.string) ?? []
        guard let worker else { return tokens.count }
        return tokens.filter { $0.contains("-\(worker.processIdentifier)-") }.count
    }

    /// True when nothing is left to do: no message queued, no user held or waiting for a retry.
    func isSettled() async throws -> Bool {
        let status = try await redis.pipeline([
            RedisCommand("GET", RedisArgument(keys.backlog)), RedisCommand("HLEN", RedisArgument(keys.owner)), RedisCommand("ZCARD", RedisArgument(keys.ready)),
        ])
        let backlog = Int(try status[0].get().string ?? "0") ?? 0
        let held = try status[1].get().integer ?? 0
        let waiting = try status[2].get().integer ?? 0
        return backlog == 0 && held == 0 && waiting == 0
    }

    /// The dead-letter stream's entries.
    func deadLetters() async throws -> [StreamEntry] {
        try StreamEntry.list(try await redis.send("XRANGE", RedisArgument(keys.deadLetters), "-", "+"))
    }

    // MARK: Replies

    /// How often each text was delivered to a user by the fake API.
    func replyCounts() -> [String: Int] {
        var counts: [String: Int] = [:]
        for message in fake.deliveredMessages {
            if case .text(let text) = message.content { counts[text, default: 0] += 1 }
        }
        return counts
    }

    /// Waits (at most `seconds`) until every message was replied and the queue is settled, then expects
    /// each reply exactly once. Returns the replies beyond one per message (0 when all went well).
    @discardableResult
    func expectRepliedOnce(_ messages: [SimulatedMessage], seconds: Double = 60, sourceLocation: SourceLocation = #_sourceLocation) async -> Int {
        let duplicates = await expectReplied(messages, seconds: seconds, sourceLocation: sourceLocation)
        #expect(duplicates == 0, "\(duplicates) duplicate replies: \(replyCounts().filter { $0.value > 1 })", sourceLocation: sourceLocation)
        return duplicates
    }

    /// Waits (at most `seconds`) until every message was replied at least once and the queue is settled;
    /// returns how many replies were sent beyond one per message (the duplicates).
    func expectReplied(_ messages: [SimulatedMessage], seconds: Double = 60, sourceLocation: SourceLocation = #_sourceLocation) async -> Int {
        let texts = messages.compactMap { message -> String? in
            if case .text(let text) = message.kind { return text }
            return nil
        }
        let done = await eventually(seconds: seconds) {
            let counts = replyCounts()
            guard texts.allSatisfy({ counts[$0] != nil }) else { return false }
            return (try? await isSettled()) ?? false
        }
        let counts = replyCounts()
        let missing = texts.filter { counts[$0] == nil }
        #expect(done && missing.isEmpty, "not replied: \(missing.prefix(20)) (\(missing.count))\n\(logTail())", sourceLocation: sourceLocation)
        return texts.map { max((counts[$0] ?? 0) - 1, 0) }.reduce(0, +)
    }

    // MARK: The ingress's own endpoints

    /// `GET /readyz` on the ingress.
    func readiness() async throws -> Int {
        let port = ingressPort
        return try await HTTPTestClient.send(port: port, method: "GET", path: "/readyz").status
    }

    /// How many pushes the ingress counted with `outcome` (`queued`, `duplicate`, `spooled`, …), from `/metrics`.
    func ingressCount(_ outcome: String) async throws -> Int {
        let port = ingressPort
        let metrics = try await HTTPTestClient.send(port: port, method: "GET", path: "/metrics").body
        let prefix = #"wechat_ingress_requests_total{outcome="\#(outcome)"} "#
        let line = metrics.split(separator: "\n").first { $0.hasPrefix(prefix) }
        return line.flatMap { Int($0.dropFirst(prefix.count)) } ?? 0
    }

    private func waitUntilReady() async throws {
        let ready = await eventually(seconds: 30) { (try? await readiness()) == 200 }
        guard ready else { throw SystemFixtureError(description: "the ingress did not become ready\n\(logTail())") }
    }
}
