import Foundation
import Logging
import Shared
import Synchronization
import TestSupport
import Testing
import WeChatFake

@testable import Worker

/// One worker process serving two accounts: its own token, rules and queue for each, slots shared fairly.
@Suite struct MultiAccountWorkerTests {
    /// Two accounts (the `WECHAT_*` one and one from an accounts file), a shared rules file and a
    /// `rules.d/{appid}.yaml` for the second.
    struct Fixture {
        let first = WorkerHarness.uniqueAppID()
        let second = WorkerHarness.uniqueAppID()
        let folder: String
        let fake: FakeWeChatAPI

        init() async throws {
            folder = FileManager.default.temporaryDirectory.appendingPathComponent("accounts-\(UInt64.random(in: 0...UInt64.max))").path
            try FileManager.default.createDirectory(atPath: folder + "/rules.d", withIntermediateDirectories: true)
            try "accounts:\n  - appid: \(second)\n    name: second\n    secret_env: SECOND_SECRET\n"
                .write(toFile: folder + "/accounts.yaml", atomically: true, encoding: .utf8)
            try "keywords:\n  - exact: hello\n    reply: \"first account\"\n".write(toFile: folder + "/rules.yaml", atomically: true, encoding: .utf8)
            try "keywords:\n  - exact: hello\n    reply: \"second account\"\n".write(toFile: folder + "/rules.d/\(second).yaml", atomically: true, encoding: .utf8)
            fake = FakeWeChatAPI(apps: [first: WorkerHarness.secret, second: "second-secret"])
            try await fake.start()
        }

        var extra: [String: String] {
            ["WECHAT_ACCOUNTS": folder + "/accounts.yaml", "SECOND_SECRET": "second-secret", "WORKER_RULES": folder + "/rules.yaml"]
        }

        func close() async {
            await fake.stop()
            try? FileManager.default.removeItem(atPath: folder)
        }

        /// The delivered texts to `user`, with the appid whose token sent each.
        func sends(to user: String) -> [(appID: String?, text: String?)] {
            fake.calls.filter { $0.isDeliveredMessage && $0.message?.toUser == user }.map { ($0.appID, $0.message.flatMap(text)) }
        }
    }

    @Test func eachAccountRepliesWithItsOwnTokenAndRules() async throws {
        let fixture = try await Fixture()
        let redis = try TestRedis.client()
        defer { redis.close() }
        let worker = RunningWorker(try WorkerHarness.components(appID: fixture.first, fake: fixture.fake, extra: fixture.extra))
        #expect(worker.components.accounts.map(\.account.appID) == [fixture.first, fixture.second])
        try await WorkerHarness.enqueue([try WorkerHarness.text("hello", from: "u1", appID: fixture.first)], appID: fixture.first, redis: redis)
        try await WorkerHarness.enqueue([try WorkerHarness.text("hello", from: "u2", appID: fixture.second)], appID: fixture.second, redis: redis)
        #expect(await WorkerHarness.eventually { fixture.fake.deliveredMessages.count == 2 })

        // A token expiry on the first account is refreshed there, and leaves the second's token alone.
        let issuedBefore = fixture.fake.tokensIssued
        fixture.fake.expireTokens(appID: fixture.first)
        try await WorkerHarness.enqueue([try WorkerHarness.text("hello", from: "u1", appID: fixture.first)], appID: fixture.first, redis: redis)
        try await WorkerHarness.enqueue([try WorkerHarness.text("hello", from: "u2", appID: fixture.second)], appID: fixture.second, redis: redis)
        #expect(await WorkerHarness.eventually { fixture.fake.deliveredMessages.count == 4 })
        await worker.stop()

        let first = fixture.sends(to: "u1")
        let second = fixture.sends(to: "u2")
        #expect(first.map(\.appID) == [fixture.first, fixture.first])
        #expect(first.map(\.text) == ["first account", "first account"])
        #expect(second.map(\.appID) == [fixture.second, fixture.second])
        #expect(second.map(\.text) == ["second account", "second account"])
        #expect(fixture.fake.tokensIssued == issuedBefore + 1)
        let refreshed = fixture.fake.calls.filter { ($0.path == "/cgi-bin/stable_token" || $0.path == "/cgi-bin/token") && $0.errcode == 0 }
        #expect(refreshed.filter { $0.appID == fixture.second }.count == 1)
        let metrics = String(decoding: worker.components.metrics.render(), as: UTF8.self)
        #expect(metrics.contains(#"wechat_worker_messages_total{account="\#(fixture.first)",outcome="replied"} 2"#))
        #expect(metrics.contains(#"wechat_worker_messages_total{account="second",outcome="replied"} 2"#))
        await fixture.close()
    }

    @Test func aBusyAccountDoesNotStarveAQuietOne() async throws {
        let fixture = try await Fixture()
        let redis = try TestRedis.client()
        defer { redis.close() }
        // Every message takes 50 ms; the first account has 120 users' messages queued before the second's 5.
        let handler = SlowHandler(delay: .milliseconds(50))
        let worker = RunningWorker(try WorkerHarness.components(appID: fixture.first, fake: fixture.fake, extra: fixture.extra.merging(["WORKER_CONCURRENCY": "4"]) { $1 }, handler: handler))
        let busy = try (0..<120).map { try WorkerHarness.text("busy \($0)", from: "busy\($0)", appID: fixture.first) }
        try await WorkerHarness.enqueue(busy, appID: fixture.first, redis: redis)
        #expect(await WorkerHarness.eventually { fixture.fake.deliveredMessages.count >= 8 })
        let quiet = try (0..<5).map { try WorkerHarness.text("quiet \($0)", from: "quiet\($0)", appID: fixture.second) }
        try await WorkerHarness.enqueue(quiet, appID: fixture.second, redis: redis)
        #expect(await WorkerHarness.eventually { fixture.fake.deliveredMessages.filter { text($0)?.hasPrefix("quiet") == true }.count == 5 })
        // When the quiet account's last reply went out, the busy account still had most of its backlog:
        // the quiet one did not wait for it (it got its share of the 4 slots).
        let busyDoneThen = fixture.fake.deliveredMessages.filter { text($0)?.hasPrefix("busy") == true }.count
        #expect(busyDoneThen < 100, "the quiet account waited for \(busyDoneThen) of the busy account's 120 messages")
        #expect(await WorkerHarness.eventually { fixture.fake.deliveredMessages.count == 125 })
        await worker.stop()
        await fixture.close()
    }

    @Test func sighupStartsAnAddedAccountStopsARemovedOneAndKeepsServingOnABadFile() async throws {
        let fixture = try await Fixture()
        let third = WorkerHarness.uniqueAppID()
        let fake = FakeWeChatAPI(apps: [fixture.first: WorkerHarness.secret, fixture.second: "second-secret", third: "third-secret"])
        try await fake.start()
        let redis = try TestRedis.client()
        defer { redis.close() }
        let environment = try WorkerHarness.environment(appID: fixture.first, fake: fake, extra: fixture.extra.merging(["THIRD_SECRET": "third-secret"]) { $1 })
        let worker = try ServiceProcess("worker", environment: environment)
        #expect(await WorkerHarness.eventually(seconds: 60) { worker.log.components(separatedBy: "consuming the users' queues").count == 3 })

        // The third account joins the file; the second leaves it.
        try "accounts:\n  - appid: \(third)\n    name: third\n    secret_env: THIRD_SECRET\n".write(toFile: fixture.folder + "/accounts.yaml", atomically: true, encoding: .utf8)
        worker.signal(SIGHUP)
        #expect(await WorkerHarness.eventually(seconds: 30) { worker.log.contains("SIGHUP: serving third") }, "\(worker.log.suffix(1_000))")
        #expect(worker.log.contains("SIGHUP: second is no longer configured"))
        try await WorkerHarness.enqueue([try WorkerHarness.text("hello", from: "u3", appID: third)], appID: third, redis: redis)
        #expect(await WorkerHarness.eventually(seconds: 60) { fake.calls.contains { $0.isDeliveredMessage && $0.appID == third } })

        // A broken file changes nothing.
        try "accounts: [".write(toFile: fixture.folder + "/accounts.yaml", atomically: true, encoding: .utf8)
        worker.signal(SIGHUP)
        #expect(await WorkerHarness.eventually(seconds: 30) { worker.log.contains("the accounts were not reloaded") })
        try await WorkerHarness.enqueue([try WorkerHarness.text("hello", from: "u3", appID: third)], appID: third, redis: redis)
        #expect(await WorkerHarness.eventually(seconds: 60) { fake.calls.filter { $0.isDeliveredMessage && $0.appID == third }.count == 2 })
        #expect(worker.isRunning)
        #expect((try? await offThePool { worker.stop(signal: SIGTERM) }) == 0)
        await fake.stop()
        await fixture.close()
    }

    @Test func accountOptionNarrowsTheWorker() throws {
        let accounts = [WeChatAccount(appID: "wxa", name: "shop"), WeChatAccount(appID: "wxb"), WeChatAccount(appID: "wxc", name: "blog")]
        #expect(try WorkerComponents.select(accounts, only: []).map(\.appID) == ["wxa", "wxb", "wxc"])
        #expect(try WorkerComponents.select(accounts, only: ["blog", "wxb"]).map(\.appID) == ["wxb", "wxc"])
        #expect(throws: WorkerSetupError.self) { try WorkerComponents.select(accounts, only: ["nobody"]) }
    }

    @Test func theSlotPoolSharesFairly() {
        let pool = SlotPool(capacity: 4)
        // Alone, an account may take every slot.
        #expect(pool.reserve("a", wanted: 10) == 4)
        #expect(pool.reserve("b", wanted: 1) == 0)
        #expect(!pool.shouldYield("a"))
        // Once b asks, a is above its share (2 of 4) and yields between messages.
        pool.ask("b")
        #expect(pool.shouldYield("a"))
        pool.release("a")
        // The freed slot goes to b, not back to a.
        #expect(pool.reserve("a", wanted: 1) == 0)
        #expect(pool.reserve("b", wanted: 4) == 1)
        pool.release("a")
        pool.ask("b")
        #expect(pool.reserve("b", wanted: 4) == 1)
        #expect(pool.held(by: "a") == 2)
        #expect(pool.held(by: "b") == 2)
        #expect(!pool.shouldYield("a"))
        // b has no more work: a may grow again.
        pool.release("b", count: 2)
        pool.withdraw("b")
        #expect(pool.reserve("a", wanted: 4) == 2)
    }
}

/// A delivered message's text, nil for other kinds.
private func text(_ message: CustomerServiceMessage) -> String? {
    if case .text(let text) = message.content { return text }
    return nil
}

/// Replies with the message's own text after a pause: a slow business logic.
struct SlowHandler: MessageHandler {
    let delay: Duration

    func handle(_ message: InboundMessage) async throws -> [CustomerServiceMessage.Content] {
        try await Task.sleep(for: delay)
        guard case .text(let content, _) = message.kind else { return [] }
        return [.text(content)]
    }
}
