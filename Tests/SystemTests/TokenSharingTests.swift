import Testing
import WeChatFake

extension SystemTests {
    /// Three worker processes share one access_token through Redis: one fetch to start, one after expiry.
    @Suite struct TokenSharingTests {
        @Test func threeWorkerProcessesFetchOneTokenAndRefreshItOnce() async throws {
            // One message at a time per worker, slow answers: all three need the token at the same moment.
            let system = try await SystemFixture(faults: FakeWeChatFaults(latency: .milliseconds(300)), worker: ["WORKER_CONCURRENCY": "1"])
            try await system.startWorkers(3)
            let first = SystemFixture.textMessages(12, tag: "token", users: 12)
            _ = try await system.push(first, parallel: 12)
            try await system.expectRepliedOnce(first)
            #expect(system.fake.tokenFetches == 1)

            system.fake.expireTokensNow()
            let second = SystemFixture.textMessages(12, tag: "expired", users: 12)
            _ = try await system.push(second, parallel: 12)
            try await system.expectRepliedOnce(second)
            #expect(system.fake.tokenFetches == 2)
        }
    }
}
