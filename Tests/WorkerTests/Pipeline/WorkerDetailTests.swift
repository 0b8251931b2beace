import AsyncHTTPClient
import Foundation
import Shared
import TestSupport
import Testing
import WeChatFake

@testable import Worker

/// Smaller pieces of the worker: typing, metrics, the token's TTL.
@Suite struct WorkerDetailTests {
    @Test func slowHandlerSendsTyping() async throws {
        struct Slow: MessageHandler {
            func handle(_ message: InboundMessage) async throws -> [CustomerServiceMessage.Content] {
                try await Task.sleep(for: .milliseconds(400))
                return [.text("done")]
            }
        }
        let appID = WorkerHarness.uniqueAppID()
        let fake = FakeWeChatAPI(apps: [appID: WorkerHarness.secret])
        try await fake.start()
        let redis = try TestRedis.client()
        defer { redis.close() }
        let worker = RunningWorker(try WorkerHarness.components(appID: appID, fake: fake, extra: ["WORKER_TYPING_AFTER": "50ms"], handler: Slow()))
        try await WorkerHarness.enqueue([try WorkerHarness.text("slow", from: "typist", appID: appID)], appID: appID, redis: redis)
        #expect(await WorkerHarness.eventually { fake.deliveredMessages.count == 1 })
        await worker.stop()
        await fake.stop()
        let paths = fake.calls.map(\.path).filter { $0.hasPrefix("/cgi-bin/message") }
        #expect(paths == [FakeWeChatAPI.typingPath, FakeWeChatAPI.sendPath])
    }

    @Test func tokenIsCachedForNinetyPercentOfItsLifetime() async throws {
        let appID = WorkerHarness.uniqueAppID()
        let fake = FakeWeChatAPI(apps: [appID: WorkerHarness.secret])
        try await fake.start()
        let components = try WorkerHarness.components(appID: appID, fake: fake)
        let token = try await components.tokens.token()
        let redis = try TestRedis.client()
        defer { redis.close() }
        #expect(try await redis.send("GET", RedisArgument(components.tokens.tokenKey)).string == token)
        let ttl = try await redis.send("PTTL", RedisArgument(components.tokens.tokenKey)).integer ?? 0
        #expect(ttl > 6_000_000 && ttl <= 6_480_000)
        let status = try await QueueStatus.read(redis: redis, keys: QueueKeys(appID: appID))
        #expect(status.tokenAgeSeconds != nil)
        try await components.httpClient.shutdown()
        components.redis.close()
        await fake.stop()
    }

    @Test func metricsCountWhatHappened() async throws {
        let appID = WorkerHarness.uniqueAppID()
        let fake = FakeWeChatAPI(apps: [appID: WorkerHarness.secret], faults: FakeWeChatFaults(rejectedOpenIDs: ["no": 45015]))
        try await fake.start()
        let redis = try TestRedis.client()
        defer { redis.close() }
        let worker = RunningWorker(try WorkerHarness.components(appID: appID, fake: fake))
        try await WorkerHarness.enqueue(
            [try WorkerHarness.text("a", from: "yes", appID: appID), try WorkerHarness.text("b", from: "no", appID: appID)], appID: appID, redis: redis)
        #expect(await WorkerHarness.eventually { (try? await redis.send("XLEN", RedisArgument(QueueKeys(appID: appID).deadLetters)).integer) == 1 })
        // Until both messages are finished and counted (a send reaches the fake, and a dead letter Redis,
        // before the message is counted).
        var text = ""
        #expect(
            await WorkerHarness.eventually {
                text = String(decoding: worker.components.metrics.render(), as: UTF8.self)
                return text.contains(#"wechat_worker_messages_total{account="\#(appID)",outcome="replied"} 1"#)
                    && text.contains(#"wechat_worker_messages_total{account="\#(appID)",outcome="dead_lettered"} 1"#)
            })
        await worker.stop()
        await fake.stop()
        #expect(text.contains(#"wechat_worker_messages_total{account="\#(appID)",outcome="replied"} 1"#))
        #expect(text.contains(#"wechat_worker_messages_total{account="\#(appID)",outcome="dead_lettered"} 1"#))
        #expect(text.contains(#"wechat_worker_api_errcodes_total{account="\#(appID)",errcode="45015"} 1"#))
        #expect(text.contains(#"wechat_worker_token_refreshes_total{account="\#(appID)"} 1"#))
        #expect(text.contains("wechat_worker_api_seconds_bucket"))
    }
}
