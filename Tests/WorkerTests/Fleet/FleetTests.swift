import Foundation
import Shared
import Synchronization
import TestSupport
import Testing
import WeChatFake

@testable import Worker

#if canImport(Glibc)
import Glibc
#endif

/// Per-user leases: fencing, retries in place, fairness and bounded memory (issue 11).
@Suite struct FleetTests {
    /// Both ways a step can go: as a script call of its own, and in a batch with other slots' (group commit).
    @Test(arguments: [false, true]) func aLeaseTakenOverIsFencedEverywhere(batched: Bool) async throws {
        let redis = try TestRedis.client()
        defer { redis.close() }
        let appID = WorkerHarness.uniqueAppID()
        let keys = QueueKeys(appID: appID)
        try await WorkerHarness.enqueue([try WorkerHarness.text("one", from: "u", appID: appID), try WorkerHarness.text("two", from: "u", appID: appID)], appID: appID, redis: redis)
        var stalled = LeaseQueue(redis: redis, keys: keys, consumer: "stalled", leaseDuration: .milliseconds(50))
        var other = LeaseQueue(redis: redis, keys: keys, consumer: "other", leaseDuration: .seconds(30))
        if batched { (stalled, other) = (stalled.batched(), other.batched()) }
        let old = try #require(try await stalled.take(count: 10).leases.first)
        // Only one holder per user: the other worker gets nothing while the lease lives.
        #expect(try await other.take(count: 10).leases.isEmpty)
        try await Task.sleep(for: .milliseconds(120))
        #expect(try await other.reap(maximumStalls: 10).reaped == 1)
        let new = try #require(try await other.take(count: 10).leases.first)
        #expect(new.record == old.record)  // the same head, in its place
        #expect(new.token != old.token)
        let key = try MessageEnvelope(decoding: old.record.envelope).dedupKey

        // The stalled worker wakes up: nothing it does changes anything.
        #expect(try await stalled.begin(old, index: 0, dedupKey: key).permission == .fenced)
        #expect(try await stalled.heartbeat([(user: old.user, token: old.token)]) == [old.user])
        guard case .fenced = try await stalled.complete(old, keepGoing: true) else {
            Issue.record("a stale complete went through")
            return
        }
        #expect(try await stalled.retry(old, record: old.record, delay: .zero, clearSending: nil) == false)
        #expect(try await stalled.release(old) == false)

        // The new holder sends, completes and keeps the user for the next message.
        #expect(try await other.begin(new, index: 0, dedupKey: key).permission == .send)
        guard case .done(let next) = try await other.complete(new, keepGoing: true, sentMarker: (key, 0)) else {
            Issue.record("fenced")
            return
        }
        #expect(next.map { try? MessageEnvelope(decoding: $0.record.envelope).message["Content"] } == "two")
        #expect(next?.token == new.token)  // no other user is due: the same lease goes on
        // A repeat of the same complete (its answer lost) pops nothing more.
        guard case .done(let again) = try await other.complete(new, keepGoing: true) else {
            Issue.record("fenced")
            return
        }
        #expect(again == next)
        #expect(try await InboundQueue(redis: redis, keys: keys).backlog() == 1)
        // The reply marked sent is never begun again, whoever holds the user.
        #expect(try await other.begin(new, index: 0, dedupKey: key).permission == .alreadySent)
    }

    @Test func completingHandsTheUserBackAndTakesTheUserDueLongestWhenOthersWait() async throws {
        let redis = try TestRedis.client()
        defer { redis.close() }
        let appID = WorkerHarness.uniqueAppID()
        let keys = QueueKeys(appID: appID)
        try await WorkerHarness.enqueue(
            [
                try WorkerHarness.text("x1", from: "x", appID: appID), try WorkerHarness.text("x2", from: "x", appID: appID),
                try WorkerHarness.text("y1", from: "y", appID: appID),
            ], appID: appID, redis: redis)
        let queue = LeaseQueue(redis: redis, keys: keys, consumer: "c", leaseDuration: .seconds(30))
        let x = try #require(try await queue.take(count: 1).leases.first)
        #expect(x.user == "x")
        // y waits: completing x1 hands x back (behind y) and takes y in the same call.
        guard case .done(let next) = try await queue.complete(x, keepGoing: true), let y = next else {
            Issue.record("no next lease")
            return
        }
        #expect(y.user == "y")
        #expect(try MessageEnvelope(decoding: y.record.envelope).message["Content"] == "y1")
        // Then y1 is done and x, the only one due, is taken again for x2.
        guard case .done(let after) = try await queue.complete(y, keepGoing: true), let x2 = after else {
            Issue.record("no next lease")
            return
        }
        #expect(x2.user == "x" && x2.token != x.token)
        #expect(try MessageEnvelope(decoding: x2.record.envelope).message["Content"] == "x2")
        // Shutting down: nothing more is taken.
        guard case .done(let none) = try await queue.complete(x2, keepGoing: false) else {
            Issue.record("fenced")
            return
        }
        #expect(none == nil)
        #expect(try await InboundQueue(redis: redis, keys: keys).backlog() == 0)
    }

    /// The fairness slice (`WORKER_FAIR_SLICE_MS`): within it a slot keeps its user for the next head
    /// although another user is due (no new grant: the `seq` counter and the token stay), and hands over
    /// once the user has nothing left; with a slice of 0 every head hands over while another user waits.
    @Test(arguments: [0, 60_000]) func withinItsSliceASlotKeepsItsUserWhileOthersAreDue(sliceMilliseconds: Int) async throws {
        let redis = try TestRedis.client()
        defer { redis.close() }
        let appID = WorkerHarness.uniqueAppID()
        let keys = QueueKeys(appID: appID)
        try await WorkerHarness.enqueue(
            (1...3).map { try WorkerHarness.text("x\($0)", from: "x", appID: appID) } + [try WorkerHarness.text("y1", from: "y", appID: appID)],
            appID: appID, redis: redis)
        var queue = LeaseQueue(redis: redis, keys: keys, consumer: "c", leaseDuration: .seconds(30)).batched()
        queue.fairSlice = .milliseconds(sliceMilliseconds)
        func grants() async throws -> Int { Int(try await redis.send("GET", RedisArgument(keys.leaseSequence)).string ?? "0") ?? 0 }
        var lease = try #require(try await queue.take(count: 1).leases.first)
        #expect(lease.user == "x")
        var served: [String] = []
        var tokens: Set<String> = [lease.token]
        while true {
            served.append(try MessageEnvelope(decoding: lease.record.envelope).message["Content"] ?? "")
            guard case .done(let next) = try await queue.complete(lease, keepGoing: true) else {
                Issue.record("fenced")
                return
            }
            guard let next else { break }
            tokens.insert(next.token)
            lease = next
        }
        if sliceMilliseconds > 0 {
            // y was due all along, yet x kept its one lease for x2 and x3; y was taken when x had nothing left.
            #expect(served == ["x1", "x2", "x3", "y1"])
            #expect(try await grants() == 2)
            #expect(tokens.count == 2)
        } else {
            // Strict turns: x hands over after every head while another user is due.
            #expect(served == ["x1", "y1", "x2", "x3"])
            #expect(try await grants() == 3)
            #expect(tokens.count == 3)
        }
        #expect(try await InboundQueue(redis: redis, keys: keys).backlog() == 0)
    }

    /// The same through a whole worker with one slot, `WORKER_FAIR_SLICE_MS` read from the environment:
    /// with a slice each user's backlog goes in one run under one grant; with 0, the users take turns.
    @Test(arguments: ["0", "60000"]) func aWorkersSlotTakesTurnsOnlyWithoutASlice(slice: String) async throws {
        let appID = WorkerHarness.uniqueAppID()
        let fake = FakeWeChatAPI(apps: [appID: WorkerHarness.secret])
        try await fake.start()
        let redis = try TestRedis.client()
        defer { redis.close() }
        try await WorkerHarness.enqueue(
            (1...4).map { try WorkerHarness.text("a\($0)", from: "a", appID: appID) } + (1...4).map { try WorkerHarness.text("b\($0)", from: "b", appID: appID) },
            appID: appID, redis: redis)
        let worker = RunningWorker(try WorkerHarness.components(appID: appID, fake: fake, extra: ["WORKER_CONCURRENCY": "1", "WORKER_FAIR_SLICE_MS": slice]))
        #expect(await WorkerHarness.eventually(seconds: 30) { fake.deliveredMessages.count == 8 })
        await worker.stop()
        await fake.stop()
        let order = fake.deliveredMessages.compactMap { message -> String? in if case .text(let text) = message.content { return text } else { return nil } }
        let users = order.map { String($0.prefix(1)) }
        let switches = zip(users, users.dropFirst()).filter { $0 != $1 }.count
        let grants = Int(try await redis.send("GET", RedisArgument(QueueKeys(appID: appID).leaseSequence)).string ?? "0") ?? 0
        #expect(WorkerHarness.deliveredTexts(fake)["a"] == ["a1", "a2", "a3", "a4"])
        #expect(WorkerHarness.deliveredTexts(fake)["b"] == ["b1", "b2", "b3", "b4"])
        if slice == "0" {
            #expect(switches == 7, "\(order)")
            #expect(grants == 8)
        } else {
            #expect(switches == 1, "\(order)")
            #expect(grants == 2)
        }
    }

    @Test func aRetryKeepsItsPlaceWhileOtherUsersGoOn() async throws {
        /// Fails the first attempt of "a1"; its next attempt waits until "b3" was delivered (for 30 s at
        /// most), which only happens if user b was served while a's retry waited.
        final class FlakyOnce: MessageHandler {
            let failed = Mutex(false)
            let bDelivered: @Sendable () -> Bool
            init(bDelivered: @escaping @Sendable () -> Bool) { self.bDelivered = bDelivered }
            func handle(_ message: InboundMessage) async throws -> [CustomerServiceMessage.Content] {
                guard case .text(let content, _) = message.kind else { return [] }
                if content == "a1" {
                    if failed.withLock({ failed in
                        defer { failed = true }
                        return !failed
                    }) {
                        throw HandlerError.retryLater("flaky")
                    }
                    for _ in 0..<3_000 where !bDelivered() { try await Task.sleep(for: .milliseconds(10)) }
                }
                return [.text(content)]
            }
        }
        let appID = WorkerHarness.uniqueAppID()
        let fake = FakeWeChatAPI(apps: [appID: WorkerHarness.secret])
        try await fake.start()
        let redis = try TestRedis.client()
        defer { redis.close() }
        let handler = FlakyOnce(bDelivered: { WorkerHarness.deliveredTexts(fake)["b"]?.contains("b3") == true })
        let workers = try (0..<2).map { _ in
            RunningWorker(try WorkerHarness.components(appID: appID, fake: fake, extra: ["WORKER_RETRY_BASE": "200ms", "WORKER_RETRY_MAX": "200ms"], handler: handler))
        }
        try await WorkerHarness.enqueue(
            (1...3).map { try WorkerHarness.text("a\($0)", from: "a", appID: appID) } + (1...3).map { try WorkerHarness.text("b\($0)", from: "b", appID: appID) },
            appID: appID, redis: redis)
        #expect(await WorkerHarness.eventually(seconds: 60) { fake.deliveredMessages.count == 6 })
        for worker in workers { await worker.stop() }
        await fake.stop()
        let texts = WorkerHarness.deliveredTexts(fake)
        // a2 and a3 waited for a1's retry, in their place.
        #expect(texts["a"] == ["a1", "a2", "a3"])
        #expect(texts["b"] == ["b1", "b2", "b3"])
        // b did not wait for a's retry.
        let order = fake.deliveredMessages.compactMap { message -> String? in if case .text(let text) = message.content { return text } else { return nil } }
        #expect(order.firstIndex(of: "b3")! < order.firstIndex(of: "a1")!, "\(order)")
        // Once a1 went through, a is no longer failing: its next failure starts a retry budget of its own.
        #expect(try await redis.send("HEXISTS", RedisArgument(QueueKeys(appID: appID).failing), "a").integer == 0)
    }

    @Test func oneUsersBacklogHoldsOneSlotAndOthersAreServed() async throws {
        let appID = WorkerHarness.uniqueAppID()
        let fake = FakeWeChatAPI(apps: [appID: WorkerHarness.secret], faults: FakeWeChatFaults(latency: .milliseconds(250)))
        try await fake.start()
        let redis = try TestRedis.client()
        defer { redis.close() }
        try await WorkerHarness.enqueue((0..<80).map { try WorkerHarness.text("paste \($0)", from: "paster", appID: appID) }, appID: appID, redis: redis)
        let worker = RunningWorker(try WorkerHarness.components(appID: appID, fake: fake, extra: ["WORKER_CONCURRENCY": "16"]))
        #expect(await WorkerHarness.eventually { fake.deliveredMessages.count >= 2 })
        try await WorkerHarness.enqueue([try WorkerHarness.text("hi", from: "newcomer", appID: appID)], appID: appID, redis: redis)
        let served = await WorkerHarness.eventually(seconds: 2) { WorkerHarness.deliveredTexts(fake)["newcomer"] == ["hi"] }
        let pasterSoFar = WorkerHarness.deliveredTexts(fake)["paster"]?.count ?? 0
        await worker.stop()
        await fake.stop()
        #expect(served, "the newcomer waited behind the paster's backlog")
        #expect(pasterSoFar < 40, "\(pasterSoFar) of the paster's messages went first")
        // One slot for the paster: never two of its sends on the wire at once.
        let sends = fake.calls.filter { $0.path == FakeWeChatAPI.sendPath && $0.message?.toUser == "paster" }.sorted { $0.receivedAt < $1.receivedAt }
        #expect(zip(sends, sends.dropFirst()).allSatisfy { $1.receivedAt >= $0.answeredAt })
        let pasted = WorkerHarness.deliveredTexts(fake)["paster"] ?? []
        #expect(pasted == (0..<pasted.count).map { "paste \($0)" })
    }
}
