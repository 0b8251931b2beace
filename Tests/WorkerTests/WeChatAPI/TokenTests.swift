import AsyncHTTPClient
import Logging
import Shared
import TestSupport
import Testing
import WeChatFake

@Suite struct TokenTests {
    func provider(_ appID: String, _ fake: FakeWeChatAPI, kind: TokenAPIKind = .stable) throws -> (AccessTokenProvider, RedisClient) {
        let redis = try TestRedis.client()
        let api = WeChatAPIClient(baseURL: fake.baseURL, httpClient: .shared)
        return (AccessTokenProvider(redis: redis, api: api, appID: appID, secret: WorkerHarness.secret, kind: kind, localCacheLifetime: .zero), redis)
    }

    @Test(arguments: [TokenAPIKind.stable, .classic])
    func fourProcessesShareOneFetch(kind: TokenAPIKind) async throws {
        let appID = WorkerHarness.uniqueAppID()
        let fake = FakeWeChatAPI(apps: [appID: WorkerHarness.secret], faults: FakeWeChatFaults(latency: .milliseconds(50)))
        try await fake.start()
        defer { Task { await fake.stop() } }
        let providers = try (0..<4).map { _ in try provider(appID, fake, kind: kind) }
        defer { for (_, redis) in providers { redis.close() } }

        let tokens = try await withThrowingTaskGroup(of: String.self) { group in
            for (provider, _) in providers {
                for _ in 0..<5 { group.addTask { try await provider.token() } }
            }
            return try await group.reduce(into: Set<String>()) { $0.insert($1) }
        }
        #expect(tokens.count == 1)
        #expect(fake.tokensIssued == 1)

        // The token fails at WeChat: every process reports it, exactly one new fetch follows.
        guard let failed = tokens.first else { return }
        fake.expireTokensNow()
        let fresh = try await withThrowingTaskGroup(of: String.self) { group in
            for (provider, _) in providers {
                group.addTask {
                    await provider.invalidate(failed)
                    return try await provider.token(excluding: failed)
                }
            }
            return try await group.reduce(into: Set<String>()) { $0.insert($1) }
        }
        #expect(fresh.count == 1)
        #expect(!fresh.contains(failed))
        #expect(fake.tokensIssued == 2)
    }

    @Test func invalidateDeletesOnlyTheTokenThatFailed() async throws {
        let appID = WorkerHarness.uniqueAppID()
        let fake = FakeWeChatAPI(apps: [appID: WorkerHarness.secret])
        try await fake.start()
        defer { Task { await fake.stop() } }
        let (provider, redis) = try provider(appID, fake)
        defer { redis.close() }
        let token = try await provider.token()
        await provider.invalidate("some-older-token")
        #expect(try await redis.send("GET", RedisArgument(provider.tokenKey)).string == token)
        await provider.invalidate(token)
        #expect(try await redis.send("GET", RedisArgument(provider.tokenKey)).isNull)
        #expect(try await redis.send("EXISTS", RedisArgument(provider.lockKey)).integer == 0)
    }

    @Test func wrongSecretIsAPermanentError() async throws {
        let appID = WorkerHarness.uniqueAppID()
        let fake = FakeWeChatAPI(apps: [appID: "another-secret"])
        try await fake.start()
        defer { Task { await fake.stop() } }
        let (provider, redis) = try provider(appID, fake)
        defer { redis.close() }
        do {
            _ = try await provider.token()
            Issue.record("a wrong secret gave a token")
        } catch {
            #expect(error.errcode == 40125)
            #expect(error.retryClass == .permanent)
        }
    }

    @Test func senderRefreshesOnceThenGivesUp() async throws {
        let appID = WorkerHarness.uniqueAppID()
        let fake = FakeWeChatAPI(apps: [appID: WorkerHarness.secret])
        try await fake.start()
        defer { Task { await fake.stop() } }
        let (provider, redis) = try provider(appID, fake)
        defer { redis.close() }
        let sender = CustomerServiceSender(tokens: provider, api: provider.api)
        try await sender.send(CustomerServiceMessage(toUser: "u1", content: .text("one")))
        fake.expireTokensNow()
        try await sender.send(CustomerServiceMessage(toUser: "u1", content: .text("two")))
        #expect(fake.tokensIssued == 2)
        #expect(fake.deliveredMessages.count == 2)
        #expect(fake.calls.filter { $0.errcode == 42001 }.count == 1)
        try await sender.typing(toUser: "u1")
        #expect(fake.calls.last?.path == FakeWeChatAPI.typingPath)
    }
}
