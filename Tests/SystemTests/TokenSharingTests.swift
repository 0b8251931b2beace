import TestSupport
import Testing
import WeChatFake

extension SystemTests {
    /// Three worker processes share one access_token through Redis: one fetch to start, one after expiry.
    @Suite struct TokenSharingTests {
        /// Waits until every worker holds a message at the same moment (so each needs the token).
        func allBusy(_ workers: [ServiceProcess], _ system: SystemFixture) async -> Bool {
            await eventually(seconds: 60) {
                for worker in workers where ((try? await system.pending(of: worker)) ?? 0) == 0 { return false }
                return true
            }
        }

        @Test func threeWorkerProcessesFetchOneTokenAndRefreshItOnce() async throws {
            // One message at a time per worker, slow answers: all three need the token at the same moment.
            let system = try await SystemFixture(faults: FakeWeChatFaults(latency: .milliseconds(300)), worker: ["WORKER_CONCURRENCY": "1"])
            let workers = try await system.startWorkers(3)
            let first = SystemFixture.textMessages(12, tag: "token", users: 12)
            _ = try await system.push(first, parallel: 12)
            #expect(await allBusy(workers, system), "not every worker took part")
            await system.expectRepliedOnce(first)
            #expect(system.fake.tokenFetches == 1)

            system.fake.expireTokensNow()
            let second = SystemFixture.textMessages(12, tag: "expired", users: 12)
            _ = try await system.push(second, parallel: 12)
            #expect(await allBusy(workers, system), "not every worker took part")
            await system.expectRepliedOnce(second)
            #expect(system.fake.tokenFetches == 2)
        }
    }
}
