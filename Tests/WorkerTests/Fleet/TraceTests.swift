import Foundation
import Shared
import TestSupport
import Testing
import WeChatFake

@testable import Worker

/// `worker trace`: what the queue's own keys tell about one message or one user.
@Suite struct TraceTests {
    @Test func aRepliedAQueuedAndADeadLetteredMessageEachSayWhereTheyAre() async throws {
        let appID = WorkerHarness.uniqueAppID()
        let fake = FakeWeChatAPI(apps: [appID: WorkerHarness.secret], faults: FakeWeChatFaults(rejectedOpenIDs: ["o_gone_user": 45015]))
        try await fake.start()
        let redis = try TestRedis.client()
        defer { redis.close() }
        let keys = QueueKeys(appID: appID)
        let trace = MessageTrace(redis: redis, keys: keys)

        let replied = try WorkerHarness.text("hello", from: "o_trace_user", appID: appID, msgID: 7_000_001)
        let rejected = try WorkerHarness.text("hi", from: "o_gone_user", appID: appID, msgID: 7_000_002)
        try await WorkerHarness.enqueue([replied, rejected], appID: appID, redis: redis)
        let worker = RunningWorker(try WorkerHarness.components(appID: appID, fake: fake))
        #expect(await WorkerHarness.eventually { fake.deliveredMessages.count == 1 })
        #expect(await WorkerHarness.eventually { (try? await redis.send("XLEN", RedisArgument(keys.deadLetters)).integer) == 1 })
        await worker.stop()

        // Replied: arrived, not queued any more, its reply sent by this worker.
        let done = try await trace.report(for: "7000001").joined(separator: "\n")
        #expect(done.contains("arrived: yes"), "\(done)")
        #expect(done.contains("queued: no"), "\(done)")
        #expect(done.contains("reply 1: sent 20"), "\(done)")
        #expect(done.contains(" by "), "\(done)")
        #expect(!done.contains("o_trace_user"), "the openid must be masked: \(done)")

        // Dead-lettered: the reason and WeChat's errcode.
        let dead = try await trace.report(for: DedupKey(rejected).rawValue).joined(separator: "\n")
        #expect(dead.contains("reason=errcode errcode=45015"), "\(dead)")
        #expect(dead.contains("reply 1: attempted by lease") && dead.contains("not delivered"), "\(dead)")

        // Queued with no worker running: its position and the user's state.
        let first = try WorkerHarness.text("one", from: "o_waiting_user", appID: appID)
        let second = try WorkerHarness.text("two", from: "o_waiting_user", appID: appID)
        try await WorkerHarness.enqueue([first, second], appID: appID, redis: redis)
        let waiting = try await trace.report(for: DedupKey(second).rawValue).joined(separator: "\n")
        #expect(waiting.contains("queued: position 2 of 2"), "\(waiting)")
        let user = try await trace.report(for: "o_waiting_user").joined(separator: "\n")
        #expect(user.contains("queued: 2 messages"), "\(user)")
        #expect(user.contains("lease: none; the user waits for a free worker"), "\(user)")

        #expect(try await trace.report(for: "123456789").first?.contains("no message with this MsgId") == true)
        await fake.stop()
    }

    @Test func theCommandPrintsTheTrace() async throws {
        let appID = WorkerHarness.uniqueAppID()
        let redis = try TestRedis.client()
        defer { redis.close() }
        let message = try WorkerHarness.text("queued", from: "o_cli_user", appID: appID)
        try await WorkerHarness.enqueue([message], appID: appID, redis: redis)
        let run = try await ExecutableRun.run("worker", ["trace", "--appid", appID, "--redis-url", try TestRedis.urlText(), DedupKey(message).rawValue])
        #expect(run.status == 0, "\(run.output)")
        #expect(run.output.contains("queued: position 1 of 1"), "\(run.output)")
        #expect(run.output.contains("lease: none; the user waits for a free worker"), "\(run.output)")
    }
}
