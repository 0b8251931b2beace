import Foundation
import Shared
import Synchronization
import TestSupport
import Testing
import WeChatFake

@testable import Worker

/// The built `worker` executable as a child process (from `RELAY_BIN_DIR`), killed for real.
@Suite struct WorkerProcessTests {
    func startWorkers(_ count: Int, appID: String, fake: FakeWeChatAPI, extra: [String: String] = [:]) throws -> [ServiceProcess] {
        let environment = try WorkerHarness.environment(appID: appID, fake: fake, extra: extra)
        return try (0..<count).map { _ in try ServiceProcess("worker", environment: environment) }
    }

    /// Runs `worker ARGUMENTS` to its end; returns the exit status and everything it printed.
    func runToEnd(_ arguments: [String], environment: [String: String]) async throws -> (status: Int32, output: String) {
        let run = try await ExecutableRun.run("worker", arguments, environment: environment)
        return (run.status, run.output)
    }

    /// Stops a worker process without blocking a Swift concurrency thread.
    func stop(_ process: ServiceProcess, _ signal: Int32) async -> Int32 {
        (try? await offThePool { process.stop(signal: signal) }) ?? -1
    }

    @Test func fourWorkerProcessesShareOneTokenAndRefreshItOnce() async throws {
        let appID = WorkerHarness.uniqueAppID()
        let fake = FakeWeChatAPI(apps: [appID: WorkerHarness.secret])
        try await fake.start()
        let redis = try TestRedis.client()
        defer { redis.close() }
        let workers = try startWorkers(4, appID: appID, fake: fake)
        try await WorkerHarness.enqueue((0..<40).map { try WorkerHarness.text("p\($0)", from: "pu\($0 % 10)", appID: appID) }, appID: appID, redis: redis)
        let first = await WorkerHarness.eventually(seconds: 60) { fake.deliveredMessages.count >= 40 }
        #expect(first, "worker log: \(workers.first?.log ?? "")")
        #expect(fake.tokensIssued == 1)

        fake.expireTokensNow()
        try await WorkerHarness.enqueue((40..<80).map { try WorkerHarness.text("p\($0)", from: "pu\($0 % 10)", appID: appID) }, appID: appID, redis: redis)
        #expect(await WorkerHarness.eventually(seconds: 60) { fake.deliveredMessages.count >= 80 })
        var statuses: [Int32] = []
        for worker in workers { statuses.append(await stop(worker, SIGTERM)) }
        await fake.stop()
        #expect(statuses == [0, 0, 0, 0])
        #expect(fake.tokensIssued == 2)
        let texts = WorkerHarness.deliveredTexts(fake).values.flatMap { $0 }
        #expect(texts.count == 80)
        #expect(Set(texts).count == 80)
    }

    @Test func messagesOfAKilledWorkerAreRepliedByAnother() async throws {
        let appID = WorkerHarness.uniqueAppID()
        let fake = FakeWeChatAPI(apps: [appID: WorkerHarness.secret], faults: FakeWeChatFaults(latency: .milliseconds(400)))
        try await fake.start()
        let redis = try TestRedis.client()
        defer { redis.close() }
        let extra = ["WORKER_CLAIM_IDLE": "1s", "WORKER_CONCURRENCY": "8"]
        let victim = try startWorkers(1, appID: appID, fake: fake, extra: extra)[0]
        try await WorkerHarness.enqueue((0..<24).map { try WorkerHarness.text("k\($0)", from: "ku\($0)", appID: appID) }, appID: appID, redis: redis)
        // Kill it while sends are in flight.
        #expect(await WorkerHarness.eventually(seconds: 60) { fake.calls.contains { $0.path == FakeWeChatAPI.sendPath } })
        _ = await stop(victim, SIGKILL)
        let keys = QueueKeys(appID: appID)
        let heldAtKill = try await QueueStatus.read(redis: redis, keys: keys).usersLeased
        #expect(heldAtKill > 0)

        let rescuer = try startWorkers(1, appID: appID, fake: fake, extra: extra)[0]
        #expect(await WorkerHarness.eventually(seconds: 60) { Set(WorkerHarness.deliveredTexts(fake).values.flatMap { $0 }).count == 24 })
        #expect(await WorkerHarness.eventually(seconds: 30) { await WorkerHarness.isDrained(appID: appID, redis: redis) })
        #expect(await stop(rescuer, SIGTERM) == 0)
        await fake.stop()
        let texts = WorkerHarness.deliveredTexts(fake).values.flatMap { $0 }
        // Duplicates are possible only for sends in flight at the kill (at most the concurrency).
        #expect(texts.count - 24 <= 8)
    }

    @Test func sigtermFinishesInFlightWorkAndExitsZero() async throws {
        let appID = WorkerHarness.uniqueAppID()
        let fake = FakeWeChatAPI(apps: [appID: WorkerHarness.secret], faults: FakeWeChatFaults(latency: .milliseconds(300)))
        try await fake.start()
        let redis = try TestRedis.client()
        defer { redis.close() }
        let worker = try startWorkers(1, appID: appID, fake: fake, extra: ["WORKER_CONCURRENCY": "4", "WORKER_SHUTDOWN_GRACE": "20s"])[0]
        try await WorkerHarness.enqueue((0..<4).map { try WorkerHarness.text("t\($0)", from: "tu\($0)", appID: appID) }, appID: appID, redis: redis)
        #expect(await WorkerHarness.eventually(seconds: 60) { fake.calls.contains { $0.path == "/cgi-bin/stable_token" } })
        #expect(await stop(worker, SIGTERM) == 0)
        let keys = QueueKeys(appID: appID)
        let status = try await QueueStatus.read(redis: redis, keys: keys)
        await fake.stop()
        // Everything it had taken was finished (replied and completed); nothing it took was left half done.
        #expect(status.usersLeased == 0)
        #expect(fake.deliveredMessages.count + status.backlog == 4)
    }

    @Test func sigtermWithAShortGraceHandsUnfinishedUsersBack() async throws {
        let appID = WorkerHarness.uniqueAppID()
        let fake = FakeWeChatAPI(apps: [appID: WorkerHarness.secret], faults: FakeWeChatFaults(latency: .seconds(3)))
        try await fake.start()
        let redis = try TestRedis.client()
        defer { redis.close() }
        let worker = try startWorkers(1, appID: appID, fake: fake, extra: ["WORKER_CONCURRENCY": "4", "WORKER_SHUTDOWN_GRACE": "200ms"])[0]
        try await WorkerHarness.enqueue((0..<4).map { try WorkerHarness.text("g\($0)", from: "gu\($0)", appID: appID) }, appID: appID, redis: redis)
        let keys = QueueKeys(appID: appID)
        #expect(await WorkerHarness.eventually(seconds: 60) { (try? await QueueStatus.read(redis: redis, keys: keys).usersLeased) == 4 })
        #expect(await stop(worker, SIGTERM) == 0)
        // Nothing was completed unfinished: what was not replied is queued again, and its users are ready for
        // another worker at once (not after their leases expire).
        let status = try await QueueStatus.read(redis: redis, keys: keys)
        // Nothing lost (a send cancelled on the wire may still reach WeChat: that is the duplicate window).
        #expect(fake.deliveredMessages.count + status.backlog >= 4, "\(status.report)\n\(worker.log)")
        #expect(status.usersLeased == 0 && status.usersReady == status.backlog, "\(status.report)\n\(worker.log)")
        await fake.stop()
    }

    /// Resident memory of a process in KiB (VmRSS), nil when it cannot be read.
    static func residentKiB(_ pid: Int32) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") }
        return line?.split(separator: " ").dropFirst().first.flatMap { Int($0) }
    }

    @Test func aHundredThousandQueuedForOneUserKeepTheWorkerSmall() async throws {
        let appID = WorkerHarness.uniqueAppID()
        let fake = FakeWeChatAPI(apps: [appID: WorkerHarness.secret], faults: FakeWeChatFaults(latency: .milliseconds(50)))
        try await fake.start()
        let redis = try TestRedis.client()
        defer { redis.close() }
        let keys = QueueKeys(appID: appID)
        let queue = InboundQueue(redis: redis, keys: keys)
        let body = String(repeating: "长", count: 100)
        var start = 0
        while start < 100_000 {
            let batch = try (start..<(start + 1_000)).map { index in
                QueuedMessage(
                    envelope: MessageEnvelope(
                        appID: appID, receivedAtMilliseconds: 1,
                        message: try WorkerHarness.fields([("MsgType", "text"), ("Content", "\(index) \(body)"), ("MsgId", String(index + 1))], from: "flood", createTime: 1_700_000_000)))
            }
            _ = try await queue.enqueue(batch)
            start += 1_000
        }
        #expect(try await queue.backlog() == 100_000)
        let worker = try startWorkers(1, appID: appID, fake: fake, extra: ["WORKER_CONCURRENCY": "16"])[0]
        #expect(await WorkerHarness.eventually(seconds: 60) { fake.deliveredMessages.count >= 20 })
        let rss = Self.residentKiB(worker.processIdentifier) ?? Int.max
        let status = try await QueueStatus.read(redis: redis, keys: keys)
        _ = await stop(worker, SIGTERM)
        await fake.stop()
        print("worker RSS with one user's backlog of 100 000 (about 40 MB in Redis): \(rss / 1024) MiB")
        #expect(status.usersLeased == 1)
        #expect(status.backlog > 99_000)
        // The backlog waits in Redis: the worker holds one message of it, whatever its size.
        #expect(rss < 96 * 1024, "worker RSS \(rss) KiB")
    }

    @Test func aWorkerStoppedPastItsLeaseSendsNothingWhenItResumes() async throws {
        let appID = WorkerHarness.uniqueAppID()
        let fake = FakeWeChatAPI(apps: [appID: WorkerHarness.secret])
        try await fake.start()
        let service = WebhookTests.UserService(failures: 0, delay: .milliseconds(1_500))
        let port = try await service.start()
        let redis = try TestRedis.client()
        defer { redis.close() }
        let extra = ["WORKER_WEBHOOK_URL": "http://127.0.0.1:\(port)/hook", "WORKER_WEBHOOK_TIMEOUT": "30s", "WORKER_CLAIM_IDLE": "1s"]
        let stalled = try startWorkers(1, appID: appID, fake: fake, extra: extra)[0]
        try await WorkerHarness.enqueue((0..<4).map { try WorkerHarness.text("stop \($0)", from: "su\($0)", appID: appID) }, appID: appID, redis: redis)
        // It holds all four and is waiting for the webhook's answers: nothing is sent yet.
        #expect(await WorkerHarness.eventually(seconds: 60) { service.received.withLock { $0.count } == 4 })
        #expect(fake.deliveredMessages.isEmpty)
        kill(stalled.processIdentifier, SIGSTOP)
        let rescuer = try startWorkers(1, appID: appID, fake: fake, extra: extra)[0]
        // 3 × WORKER_CLAIM_IDLE: the rescuer takes the users over and replies (two replies per message).
        try await Task.sleep(for: .seconds(3))
        #expect(await WorkerHarness.eventually(seconds: 60) { fake.deliveredMessages.count >= 8 })
        kill(stalled.processIdentifier, SIGCONT)
        // The stalled worker's webhook answers are waiting in its sockets; give it time to act on them.
        try await Task.sleep(for: .seconds(3))
        #expect(await WorkerHarness.eventually(seconds: 30) { await WorkerHarness.isDrained(appID: appID, redis: redis) })
        _ = await stop(stalled, SIGTERM)
        _ = await stop(rescuer, SIGTERM)
        await service.stop()
        await fake.stop()
        let perUser = Dictionary(grouping: fake.deliveredMessages, by: \.toUser).mapValues(\.count)
        #expect(perUser == ["su0": 2, "su1": 2, "su2": 2, "su3": 2], "\(stalled.log.suffix(2_000))")
    }

    @Test func badConfigurationIsOneLineAndExitTwo() async throws {
        let fakeEnvironment = ["REDIS_URL": try TestRedis.urlText(), "WECHAT_APPID": "wxbad", "WECHAT_APPSECRET": "s", "WORKER_METRICS_PORT": "off"]
        let concurrency = try await runToEnd([], environment: fakeEnvironment.merging(["WORKER_CONCURRENCY": "lots"]) { $1 })
        #expect(concurrency.status == 2)
        #expect(concurrency.output.contains("WORKER_CONCURRENCY"))
        let tokenAPI = try await runToEnd([], environment: fakeEnvironment.merging(["WECHAT_TOKEN_API": "fancy"]) { $1 })
        #expect(tokenAPI.status == 2)
        #expect(tokenAPI.output.contains("WECHAT_TOKEN_API"))

        let path = FileManager.default.temporaryDirectory.appendingPathComponent("bad-rules-\(UInt64.random(in: 0...UInt64.max)).yaml").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try "keywords:\n  - exact: ping\n    reply: pong\n  - contains: x\n".write(toFile: path, atomically: true, encoding: .utf8)
        let rules = try await runToEnd([], environment: fakeEnvironment.merging(["WORKER_RULES": path]) { $1 })
        #expect(rules.status == 2)
        #expect(rules.output.contains(path))
        #expect(rules.output.contains("line 4"))
    }

    @Test func statusAndDeadLetterSubcommands() async throws {
        let appID = WorkerHarness.uniqueAppID()
        let redis = try TestRedis.client()
        defer { redis.close() }
        let keys = QueueKeys(appID: appID)
        let envelope = MessageEnvelope(appID: appID, receivedAtMilliseconds: 1, message: try WorkerHarness.text("dead", from: "du", appID: appID))
        try await redis.send(
            "XADD", RedisArgument(keys.deadLetters), "*", "reason", "errcode", "errcode", "45015", "attempts", "1", "user", "du",
            "record", RedisArgument(bytes: QueuedMessage(envelope: envelope).record.bytes))
        let environment = ["REDIS_URL": try TestRedis.urlText(), "WECHAT_APPID": appID]
        let status = try await runToEnd(["status"], environment: environment)
        #expect(status.status == 0)
        #expect(status.output.contains("dead letters:     1"))
        let list = try await runToEnd(["dead-letters", "list"], environment: environment)
        #expect(list.status == 0)
        #expect(list.output.contains("errcode=45015"))
        let replay = try await runToEnd(["dead-letters", "replay"], environment: environment)
        #expect(replay.status == 0)
        #expect(try await QueueContents.entries(redis: redis, keys: keys).map(\.dedupKey) == [envelope.dedupKey])
        #expect(try await redis.send("XLEN", RedisArgument(keys.deadLetters)).integer == 0)
        try await redis.send("XADD", RedisArgument(keys.deadLetters), "*", "reason", "x")
        let purge = try await runToEnd(["dead-letters", "purge"], environment: environment)
        #expect(purge.output.contains("purged 1"))
    }

    @Test func sighupWithoutARulesFileIsLoggedNotFatal() async throws {
        let appID = WorkerHarness.uniqueAppID()
        let fake = FakeWeChatAPI(apps: [appID: WorkerHarness.secret])
        try await fake.start()
        // Webhook mode: no rules file to re-read (the compose file still suggests `kill -HUP`).
        let worker = try startWorkers(1, appID: appID, fake: fake, extra: ["WORKER_WEBHOOK_URL": "http://127.0.0.1:9/hook"])[0]
        #expect(await WorkerHarness.eventually(seconds: 60) { worker.log.contains("consuming the users' queues") })
        worker.signal(SIGHUP)
        #expect(await WorkerHarness.eventually(seconds: 10) { worker.log.contains("SIGHUP: nothing to reload") }, "\(worker.log.suffix(1_000))")
        #expect(worker.isRunning)
        #expect(await stop(worker, SIGTERM) == 0)
        await fake.stop()
    }

    @Test func sighupReloadsTheRulesAndKeepsThemWhenTheNewFileIsBad() async throws {
        let appID = WorkerHarness.uniqueAppID()
        let fake = FakeWeChatAPI(apps: [appID: WorkerHarness.secret])
        try await fake.start()
        let redis = try TestRedis.client()
        defer { redis.close() }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("rules-\(UInt64.random(in: 0...UInt64.max)).yaml").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try "keywords:\n  - exact: ping\n    reply: pong\ndefault: none\n".write(toFile: path, atomically: true, encoding: .utf8)
        let worker = try startWorkers(1, appID: appID, fake: fake, extra: ["WORKER_RULES": path])[0]
        func ask(_ number: Int) async throws -> String? {
            try await WorkerHarness.enqueue([try WorkerHarness.text("ping", from: "hup", appID: appID)], appID: appID, redis: redis)
            _ = await WorkerHarness.eventually(seconds: 60) { fake.deliveredMessages.count >= number }
            return WorkerHarness.deliveredTexts(fake)["hup"]?.last
        }
        #expect(try await ask(1) == "pong")
        try "keywords:\n  - exact: ping\n    reply: PONG\ndefault: none\n".write(toFile: path, atomically: true, encoding: .utf8)
        worker.signal(SIGHUP)
        #expect(await WorkerHarness.eventually(seconds: 30) { worker.log.contains("reloaded the rules") })
        #expect(try await ask(2) == "PONG")
        try "keywords:\n  - exakt: ping\n".write(toFile: path, atomically: true, encoding: .utf8)
        worker.signal(SIGHUP)
        #expect(await WorkerHarness.eventually(seconds: 30) { worker.log.contains("keeping the rules in force") })
        #expect(try await ask(3) == "PONG")
        #expect(await stop(worker, SIGTERM) == 0)
        await fake.stop()
        #expect(worker.log.contains("\(path), line 2"))
    }

    @Test func healthAndMetricsEndpointsAnswer() async throws {
        let appID = WorkerHarness.uniqueAppID()
        let fake = FakeWeChatAPI(apps: [appID: WorkerHarness.secret])
        try await fake.start()
        let redis = try TestRedis.client()
        defer { redis.close() }
        let port = try Loopback.freePort()
        let worker = try startWorkers(1, appID: appID, fake: fake, extra: ["WORKER_METRICS_PORT": String(port)])[0]
        try await WorkerHarness.enqueue([try WorkerHarness.text("metrics", from: "mu", appID: appID)], appID: appID, redis: redis)
        #expect(await WorkerHarness.eventually(seconds: 60) { fake.deliveredMessages.count == 1 })
        let health = try await HTTPTestClient.send(port: port, method: "GET", path: "/healthz")
        // The worker counts a message as replied once it is acked, just after the fake API saw the send.
        var metrics = try await HTTPTestClient.send(port: port, method: "GET", path: "/metrics")
        for _ in 0..<100 where !metrics.body.contains(#"wechat_worker_messages_total{account="\#(appID)",outcome="replied"} 1"#) {
            try await Task.sleep(for: .milliseconds(50))
            metrics = try await HTTPTestClient.send(port: port, method: "GET", path: "/metrics")
        }
        #expect(await stop(worker, SIGTERM) == 0)
        await fake.stop()
        #expect(health.status == 200)
        #expect(metrics.status == 200)
        #expect(metrics.body.contains(#"wechat_worker_messages_total{account="\#(appID)",outcome="replied"} 1"#))
    }
}
