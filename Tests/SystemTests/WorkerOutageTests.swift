import Testing
import WeChatFake

extension SystemTests {
    /// No worker runs while messages arrive: they wait in Redis and are replied once workers start.
    @Suite struct WorkerOutageTests {
        @Test func messagesQueuedWithoutWorkersAreRepliedOnceWhenTwoStart() async throws {
            let system = try await SystemFixture()
            let messages = SystemFixture.textMessages(100, tag: "outage", users: 20)
            let answers = try await system.push(messages, mode: .compatible)
            #expect(answers.filter { $0.status == 200 && $0.body == "success" }.count == 100)
            #expect(try await system.messagesQueued() == 100)

            try await system.startWorkers(2)
            await system.expectRepliedOnce(messages)
        }
    }
}
