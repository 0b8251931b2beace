import TestSupport
import Testing
import WeChatFake

#if canImport(Glibc)
import Glibc
#endif

extension SystemTests {
    /// A worker is SIGKILLed while its replies are on the wire: another worker reclaims its messages.
    @Suite struct WorkerCrashTests {
        @Test func aKilledWorkersMessagesAreRepliedByTheOthers() async throws {
            // WORKER_CLAIM_IDLE 3s: nobody reclaims the victim's entries before they are counted below.
            let system = try await SystemFixture(
                faults: FakeWeChatFaults(latency: .seconds(1)), worker: ["WORKER_CLAIM_IDLE": "3s", "WORKER_CONCURRENCY": "8"])
            let workers = try await system.startWorkers(2)
            let messages = SystemFixture.textMessages(40, tag: "crash", users: 40)
            let answers = try await system.push(messages)
            #expect(answers.allSatisfy { $0.body == "success" })

            // Mid-flight: replies have started to arrive and the victim holds messages it has not finished.
            let victim = workers[0]
            let midFlight = await eventually(seconds: 60) {
                guard !system.fake.deliveredMessages.isEmpty else { return false }
                return ((try? await system.pending(of: victim)) ?? 0) > 0
            }
            #expect(midFlight, "\(system.logTail())")
            await system.stop(victim, signal: SIGKILL)
            // Its pending entries are the messages it had in flight: only they can be replied twice.
            let inFlight = try await system.pending(of: victim)

            try await system.startWorkers(1)
            let duplicates = await system.expectReplied(messages)
            print("system test, worker crash: \(inFlight) messages in flight at the kill, \(duplicates) replied twice")
            #expect(inFlight > 0)
            #expect(duplicates <= inFlight, "\(duplicates) duplicates, \(inFlight) in flight at the kill")
        }
    }
}
