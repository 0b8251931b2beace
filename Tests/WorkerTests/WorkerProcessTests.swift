import Foundation
import Shared
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
        let pendingAtKill = try await QueueStatus.pending(redis: redis, keys: keys)
        #expect(pendingAtKill > 0)

        let rescuer = try startWorkers(1, appID: appID, fake: fake, extra: extra)[0]
        #expect(await WorkerHarness.eventually(seconds: 60) { Set(WorkerHarness.deliveredTexts(fake).values.flatMap { $0 }).count == 24 })
        #expect(await WorkerHarness.eventually(seconds: 30) { (try? await QueueStatus.pending(redis: redis, keys: keys)) == 0 })
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
        // Everything it had taken was finished (replied and acked); nothing it took was left half done.
        #expect(status.pending == 0)
        #expect(fake.deliveredMessages.count + (status.lag ?? 0) == 4)
    }

    @Test func sigtermWithAShortGraceLeavesUnfinishedWorkPending() async throws {
        let appID = WorkerHarness.uniqueAppID()
        let fake = FakeWeChatAPI(apps: [appID: WorkerHarness.secret], faults: FakeWeChatFaults(latency: .seconds(3)))
        try await fake.start()
        let redis = try TestRedis.client()
        defer { redis.close() }
        let worker = try startWorkers(1, appID: appID, fake: fake, extra: ["WORKER_CONCURRENCY": "4", "WORKER_SHUTDOWN_GRACE": "200ms"])[0]
        try await WorkerHarness.enqueue((0..<4).map { try WorkerHarness.text("g\($0)", from: "gu\($0)", appID: appID) }, appID: appID, redis: redis)
        let keys = QueueKeys(appID: appID)
        #expect(await WorkerHarness.eventually(seconds: 60) { (try? await QueueStatus.pending(redis: redis, keys: keys)) == 4 })
        #expect(await stop(worker, SIGTERM) == 0)
        // Nothing was acked unfinished: all four are still pending for another worker.
        let status = try await QueueStatus.read(redis: redis, keys: keys)
        #expect(status.pending == 4, "\(status.report)\n\(worker.log)")
        await fake.stop()
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
        try await InboundQueue(redis: redis, keys: keys).ensureConsumerGroup()
        try await redis.send("XADD", RedisArgument(keys.deadLetters), "*", "reason", "errcode", "errcode", "45015", "attempts", "1", "key", "k", "v", "1", "at", "1", "body", "{}")
        let environment = ["REDIS_URL": try TestRedis.urlText(), "WECHAT_APPID": appID]
        let status = try await runToEnd(["status"], environment: environment)
        #expect(status.status == 0)
        #expect(status.output.contains("dead letters:     1"))
        let list = try await runToEnd(["dead-letters", "list"], environment: environment)
        #expect(list.status == 0)
        #expect(list.output.contains("errcode=45015"))
        let replay = try await runToEnd(["dead-letters", "replay"], environment: environment)
        #expect(replay.status == 0)
        #expect(try await redis.send("XLEN", RedisArgument(keys.inbound)).integer == 1)
        #expect(try await redis.send("XLEN", RedisArgument(keys.deadLetters)).integer == 0)
        try await redis.send("XADD", RedisArgument(keys.deadLetters), "*", "reason", "x")
        let purge = try await runToEnd(["dead-letters", "purge"], environment: environment)
        #expect(purge.output.contains("purged 1"))
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
        let health = try await offThePool { try HTTPTestClient.send(port: port, method: "GET", path: "/healthz") }
        // The worker counts a message as replied once it is acked, just after the fake API saw the send.
        var metrics = try await offThePool { try HTTPTestClient.send(port: port, method: "GET", path: "/metrics") }
        for _ in 0..<100 where !metrics.body.contains(#"wechat_worker_messages_total{outcome="replied"} 1"#) {
            try await Task.sleep(for: .milliseconds(50))
            metrics = try await offThePool { try HTTPTestClient.send(port: port, method: "GET", path: "/metrics") }
        }
        #expect(await stop(worker, SIGTERM) == 0)
        await fake.stop()
        #expect(health.status == 200)
        #expect(metrics.status == 200)
        #expect(metrics.body.contains(#"wechat_worker_messages_total{outcome="replied"} 1"#))
    }
}
