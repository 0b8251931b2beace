import Shared
import Testing
import WeChatFake

extension SystemTests {
    /// WeChat's API fails often (-1 and HTTP 500) and rejects one user for good (45015).
    @Suite struct APIStormTests {
        @Test func everyMessageIsRepliedOnceThroughTheStormAndTheRejectedUserIsDeadLettered() async throws {
            let blockedUser = "o-blocked"
            let system = try await SystemFixture(
                faults: FakeWeChatFaults(failRate: 0.2, http500Rate: 0.1, rejectedOpenIDs: [blockedUser: 45015]),
                // The retry policy, shortened: about one failure in four, so 15 attempts all but never run out.
                worker: ["WORKER_RETRY_BASE": "20ms", "WORKER_RETRY_MAX": "200ms", "WORKER_MAX_ATTEMPTS": "15"])
            try await system.startWorkers(2)
            let messages = SystemFixture.textMessages(60, tag: "storm", users: 10)
            let blocked = (0..<3).map { SimulatedMessage(from: blockedUser, kind: .text("blocked-\($0)")) }
            let answers = try await system.push(messages + blocked)
            #expect(answers.allSatisfy { $0.body == "success" })

            await system.expectRepliedOnce(messages)
            let calls = system.fake.calls.filter { $0.path == FakeWeChatAPI.sendPath }
            print("system test, API storm: \(calls.count) sends, \(calls.filter { $0.status == 500 }.count) HTTP 500, \(calls.filter { $0.errcode == -1 }.count) errcode -1")
            #expect(calls.contains { $0.status == 500 })
            #expect(calls.contains { $0.errcode == -1 })

            let dead = try await system.deadLetters()
            #expect(dead.count == 3)
            #expect(dead.allSatisfy { $0.text("errcode") == "45015" && $0.text("user") == blockedUser })
            #expect(!system.fake.deliveredMessages.contains { $0.toUser == blockedUser })
        }
    }
}
