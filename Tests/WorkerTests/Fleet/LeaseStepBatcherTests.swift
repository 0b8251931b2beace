import Shared
import Synchronization
import TestSupport
import Testing

@testable import Worker

/// Group commit of the slots' begin-sends and completes (issue 17): steps that go at the same time share
/// one script call, and each gets exactly the answer its own call would have given.
@Suite struct LeaseStepBatcherTests {
    /// 30 slots begin a reply at the same time, among them one whose lease was taken over and one whose
    /// reply an earlier attempt sent; then all complete at once.
    @Test func concurrentStepsShareScriptCallsAndEachGetsItsOwnAnswer() async throws {
        let redis = try TestRedis.client()
        defer { redis.close() }
        let appID = WorkerHarness.uniqueAppID()
        let keys = QueueKeys(appID: appID)
        let users = (0..<30).map { "user\($0)" }
        try await WorkerHarness.enqueue(try users.map { try WorkerHarness.text("hello \($0)", from: $0, appID: appID) }, appID: appID, redis: redis)
        let queue = LeaseQueue(redis: redis, keys: keys, consumer: "c", leaseDuration: .seconds(30))
        var taken = try await queue.take(count: 30).leases.sorted { $0.user < $1.user }
        #expect(taken.count == 30)
        // user0's lease was taken over (its token is stale); user1's reply was sent by an earlier attempt.
        taken[0].token = "0:someone-else"
        let leases = taken
        let dedupKeys = try leases.map { try MessageEnvelope(decoding: $0.record.envelope).dedupKey }
        try await redis.send("SET", RedisArgument(keys.sent(dedupKeys[1], index: 0)), "1 earlier")

        // The first batch waits until every slot has asked, so the others gather behind it.
        let asked = Tally()
        let batches = Tally()
        let batcher = LeaseStepBatcher(send: { steps in
            if batches.values.isEmpty {
                while asked.values.count < leases.count { try? await Task.sleep(for: .milliseconds(5)) }
                try? await Task.sleep(for: .milliseconds(50))
            }
            batches.record(steps.count)
            return await queue.runSteps(steps)
        })
        let batched = queue.with(batcher)
        let permissions = try await withThrowingTaskGroup(of: (Int, LeaseQueue.SendPermission).self) { group in
            for (index, lease) in leases.enumerated() {
                group.addTask {
                    asked.record(index)
                    return (index, try await batched.begin(lease, index: 0, dedupKey: dedupKeys[index]).permission)
                }
            }
            var permissions = [LeaseQueue.SendPermission?](repeating: nil, count: leases.count)
            for try await (index, permission) in group { permissions[index] = permission }
            return permissions
        }
        #expect(permissions[0] == .fenced)
        #expect(permissions[1] == .alreadySent)
        #expect(permissions[2...].allSatisfy { $0 == .send })
        let sizes = batches.values
        #expect(sizes.reduce(0, +) == leases.count)
        #expect(sizes.count < leases.count && sizes.contains { $0 > 1 })

        // Completing at once: every lease but the stale one pops its head; nothing is left queued.
        let completions = try await withThrowingTaskGroup(of: (Int, LeaseQueue.Completion).self) { group in
            for (index, lease) in leases.enumerated() {
                group.addTask { (index, try await batched.complete(lease, keepGoing: true, sentMarker: (dedupKeys[index], 0))) }
            }
            var completions: [Int: LeaseQueue.Completion] = [:]
            for try await (index, completion) in group { completions[index] = completion }
            return completions
        }
        guard case .fenced = completions[0] else {
            Issue.record("the stale lease completed: \(String(describing: completions[0]))")
            return
        }
        for index in 1..<leases.count {
            guard case .done(nil) = completions[index] else {
                Issue.record("slot \(index) answered \(String(describing: completions[index]))")
                continue
            }
        }
        #expect(try await InboundQueue(redis: redis, keys: keys).backlog() == 1)  // user0's head stays for its real holder
        for index in 1..<leases.count {
            #expect(try await redis.send("EXISTS", RedisArgument(keys.sent(dedupKeys[index], index: 0))).integer == 1)
        }
    }

    /// A step that fails in the script (here a user's queue that is not a list) answers its error alone;
    /// the step beside it in the same call goes through.
    @Test func anErrorInOneStepAnswersThatStepAlone() async throws {
        let redis = try TestRedis.client()
        defer { redis.close() }
        let appID = WorkerHarness.uniqueAppID()
        let keys = QueueKeys(appID: appID)
        try await WorkerHarness.enqueue(
            [try WorkerHarness.text("a", from: "a", appID: appID), try WorkerHarness.text("b", from: "b", appID: appID)], appID: appID, redis: redis)
        let queue = LeaseQueue(redis: redis, keys: keys, consumer: "c", leaseDuration: .seconds(30))
        let leases = try await queue.take(count: 2).leases.sorted { $0.user < $1.user }
        #expect(leases.map(\.user) == ["a", "b"])
        try await redis.send("DEL", RedisArgument(keys.userQueue("a")))
        try await redis.send("SET", RedisArgument(keys.userQueue("a")), "not a list")
        let answers = await queue.runSteps(
            leases.map { .complete(user: $0.user, token: $0.token, goingOn: .stop, sentKey: "", head: $0.record.bytes, failing: false) })
        #expect(answers.count == 2)
        guard case .failure(let error) = answers[0] else {
            Issue.record("the broken step answered \(answers[0])")
            return
        }
        #expect(error.serverErrorCode == "WRONGTYPE")
        #expect((try? answers[1].get())?.array?.first?.integer == 1)
        #expect(try await redis.send("EXISTS", RedisArgument(keys.userQueue("b"))).integer == 0)  // b's head was popped
    }
}

/// Numbers recorded by concurrent tasks.
private final class Tally: Sendable {
    private let recorded = Mutex<[Int]>([])
    var values: [Int] { recorded.withLock { $0 } }
    func record(_ value: Int) { recorded.withLock { $0.append(value) } }
}
