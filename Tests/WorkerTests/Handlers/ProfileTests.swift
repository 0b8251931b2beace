import Foundation
import Shared
import TestSupport
import Testing
import WeChatFake

@testable import Worker

/// `WORKER_USER_PROFILE=on`: rules templates get the sender's profile through the Redis cache; a failing
/// profile API never holds a reply back.
@Suite struct ProfileTests {
    static let rules = "default: \"lang=${profile.language} remark=${profile.remark}\"\n"

    static func rulesFile() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("rules-\(UInt64.random(in: 0...UInt64.max)).yaml").path
        try rules.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func profileCalls(_ fake: FakeWeChatAPI) -> Int {
        fake.calls.filter { $0.path == "/cgi-bin/user/info" || $0.path == "/cgi-bin/user/info/batchget" }.count
    }

    /// 100 messages from 10 users through a worker; the texts delivered.
    static func run(fake: FakeWeChatAPI, appID: String) async throws -> [String] {
        let redis = try TestRedis.client()
        defer { redis.close() }
        let worker = RunningWorker(
            try WorkerHarness.components(
                appID: appID, fake: fake,
                extra: [
                    "WORKER_USER_PROFILE": "on", "WORKER_RULES": try rulesFile(),
                    // Caching is under test, not the timeout: a loaded test machine must not turn a slow fetch into an empty field.
                    "WORKER_USER_PROFILE_TIMEOUT": "30s",
                ]))
        let messages = try (0..<100).map { try WorkerHarness.text("m\($0)", from: "o_user\($0 % 10)", appID: appID) }
        try await WorkerHarness.enqueue(messages, appID: appID, redis: redis)
        let done = await WorkerHarness.eventually { fake.deliveredMessages.count >= 100 }
        await worker.stop()
        #expect(done)
        return WorkerHarness.deliveredTexts(fake).values.flatMap { $0 }
    }

    @Test func hundredMessagesFromTenUsersFetchAtMostTenProfiles() async throws {
        let appID = WorkerHarness.uniqueAppID()
        let fake = FakeWeChatAPI(apps: [appID: WorkerHarness.secret])
        try await fake.start()
        fake.account.setProfile("o_user3", ["remark": .string("VIP")])
        let texts = try await Self.run(fake: fake, appID: appID)
        await fake.stop()
        #expect(texts.count == 100)
        #expect(texts.filter { $0 == "lang=zh_CN remark=" }.count == 90)
        #expect(texts.filter { $0 == "lang=zh_CN remark=VIP" }.count == 10)
        let calls = Self.profileCalls(fake)
        print("profiles: 100 messages from 10 users, \(calls) profile API calls")
        #expect(calls >= 1 && calls <= 10, "\(calls) profile fetches for 10 users")
        let redis = try TestRedis.client()
        defer { redis.close() }
        #expect(try await redis.send("EXISTS", RedisArgument(QueueKeys(appID: appID).profile("o_user3"))).integer == 1)
    }

    @Test func aFailingProfileAPIStillLetsEveryMessageBeAnswered() async throws {
        let appID = WorkerHarness.uniqueAppID()
        let fake = FakeWeChatAPI(apps: [appID: WorkerHarness.secret])
        try await fake.start()
        fake.account.userInfoErrcode = -1
        let texts = try await Self.run(fake: fake, appID: appID)
        await fake.stop()
        #expect(texts.count == 100)
        #expect(texts.allSatisfy { $0 == "lang= remark=" })
        #expect(Self.profileCalls(fake) > 0)
    }

    @Test func templatesFillFieldsAndListsAndLeaveOthers() {
        let profile: [String: JSONValue] = ["language": .string("en"), "tagid_list": .array([.number(2), .number(7)]), "subscribe": .number(1)]
        #expect(ProfileTemplate.fill(.text("${profile.language}/${profile.tagid_list}/${profile.subscribe}/${profile.none}"), profile: profile) == .text("en/2,7/1/"))
        #expect(ProfileTemplate.fill(.text("cost ${x} ${profile.unclosed"), profile: profile) == .text("cost ${x} ${profile.unclosed"))
        #expect(ProfileTemplate.fill(.image(mediaID: "${profile.language}"), profile: profile) == .image(mediaID: "${profile.language}"))
        #expect(!ProfileTemplate.refersToProfile([.text("plain")]))
    }
}
