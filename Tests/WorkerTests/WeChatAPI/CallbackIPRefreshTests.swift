import AsyncHTTPClient
import Logging
import Shared
import TestSupport
import Testing
import WeChatFake

@testable import Worker

/// The worker keeps WeChat's callback IPs in Redis for the ingress: one worker per interval fetches
/// them, a failure is retried.
@Suite struct CallbackIPRefreshTests {
    @Test func oneWorkerPerIntervalStoresTheList() async throws {
        let appID = WorkerHarness.uniqueAppID()
        let fake = FakeWeChatAPI(apps: [appID: WorkerHarness.secret])
        try await fake.start()
        fake.account.callbackIPs = ["101.226.103.0/25", "203.0.113.9"]
        let redis = try TestRedis.client()
        defer { redis.close() }
        let workers = try (0..<3).map { _ in try WorkerHarness.components(appID: appID, fake: fake) }
        let services = workers.map {
            CallbackIPRefreshService(api: $0.account, redis: redis, keys: QueueKeys(appID: appID), interval: .seconds(3600), metrics: $0.metrics, logger: Logger(label: "test"))
        }
        var outcomes: [Bool?] = []
        for service in services { outcomes.append(await service.refreshIfDue()) }
        #expect(outcomes == [true, nil, nil], "one refresh per interval across the workers")
        let stored = try await redis.send("GET", RedisArgument(QueueKeys(appID: appID).callbackIPs)).string
        #expect(stored == "101.226.103.0/25\n203.0.113.9")
        #expect(fake.calls.filter { $0.path == "/cgi-bin/getcallbackip" }.count == 1)

        // The list gone (deleted, flushed) while a refresh was claimed a while ago: the next check refreshes
        // it although the interval has not passed; a claim just made is left to its worker.
        try await redis.send("DEL", RedisArgument(QueueKeys(appID: appID).callbackIPs))
        try await redis.send("SET", RedisArgument(QueueKeys(appID: appID).callbackIPsDue), "someone", "PX", "3600000")
        #expect(await services[1].refreshIfDue() == nil)
        try await redis.send("DEL", RedisArgument(QueueKeys(appID: appID).callbackIPs))
        try await redis.send("PEXPIRE", RedisArgument(QueueKeys(appID: appID).callbackIPsDue), "1000")
        #expect(await services[1].refreshIfDue() == true)

        // Due again (the interval passed) and a failing API: the marker is cleared, so the next check tries again.
        try await redis.send("DEL", RedisArgument(QueueKeys(appID: appID).callbackIPsDue))
        fake.account.callbackIPs = []
        #expect(await services[2].refreshIfDue() == false)
        #expect(try await redis.send("EXISTS", RedisArgument(QueueKeys(appID: appID).callbackIPsDue)).integer == 0)
        fake.account.callbackIPs = ["203.0.113.10"]
        #expect(await services[0].refreshIfDue() == true)
        let rendered = String(decoding: workers[2].metrics.render(), as: UTF8.self)
        #expect(rendered.contains(#"wechat_worker_callback_ip_refreshes_total{outcome="failed"} 1"#))
        for components in workers { try await components.httpClient.shutdown() }
        await fake.stop()
    }
}
