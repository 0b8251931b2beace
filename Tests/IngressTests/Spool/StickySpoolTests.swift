import Foundation
import Shared
import TestSupport
import Testing

@testable import Ingress

#if canImport(Glibc)
import Glibc
#endif

/// Issue 11 (ordering), the ingress half: while its spool still holds messages, an ingress spools new
/// pushes behind them instead of sending them to Redis ahead of them, so Redis receives one ingress's
/// messages in the order they arrived, also while the spool is being replayed.
@Suite struct StickySpoolTests {
    /// The MsgId a queued message's dedup key (`m:<MsgId>:<openid>:<time>`) carries.
    static func messageID(_ entry: QueuedEntry) -> Int? {
        entry.dedupKey.split(separator: ":").dropFirst().first.flatMap { Int($0) }
    }

    /// `wechat_ingress_requests_total{outcome="spooled"}` of the ingress.
    static func spooledCount(_ ingress: RunningIngress) async throws -> Int {
        let metrics = try await ingress.send("GET", "/metrics").body
        let line = metrics.split(separator: "\n").first { $0.hasPrefix(#"wechat_ingress_requests_total{outcome="spooled"}"#) } ?? ""
        return Int(line.split(separator: " ").last ?? "") ?? -1
    }

    @Test func redisReceivesMessagesInArrivalOrderWhileTheSpoolDrains() async throws {
        let redis = try await RedisServerProcess()
        defer { redis.stop() }
        redis.stop()
        let spool = FileManager.default.temporaryDirectory.appendingPathComponent("sticky-\(UInt32.random(in: 0...UInt32.max))").path
        defer { try? FileManager.default.removeItem(atPath: spool) }
        // What an earlier run spooled while Redis was down: many messages, so the replay takes a while.
        let earlier = 20_000
        try SpoolMemoryTests.writeSpool(spool, count: 0, bodyBytes: 0)
        do {
            let handle = try #require(FileHandle(forWritingAtPath: spool + "/active.spool"))
            var buffer: [UInt8] = []
            // The same user and CreateTime as the pushes below: only arrival order can keep them apart.
            for id in 0..<earlier {
                let message = try InboundMessage(xml: Array(IngressHarness.textMessage(id: Int64(id)).utf8))
                let queued = QueuedMessage(envelope: MessageEnvelope(appID: "wxprocess", receivedAtMilliseconds: 1, message: message))
                buffer += SpoolFormat.frame(queued.spoolRecord)
            }
            handle.write(Data(buffer))
            try handle.close()
        }
        let ingress = try await RunningIngress.start(redisPort: redis.port, spool: spool)
        defer { ingress.stop() }

        @Sendable func push(_ id: Int) async throws {
            #expect(try await ingress.push(id: Int64(id)).status == 200)
        }
        for id in 100_000..<100_005 { try await push(id) }  // Redis still down: spooled
        try await redis.start()
        for id in 100_005..<100_100 { try await push(id) }  // one after the other, while the spool is replayed

        let client = RedisClient(configuration: .init(url: redis.url()))
        defer { client.close() }
        let queue = InboundQueue(redis: client, keys: QueueKeys(appID: "wxprocess"))
        let total = earlier + 100
        #expect(await eventually(seconds: 120, every: .milliseconds(100)) { (try? await queue.backlog()) == total }, "\(ingress.process.log.suffix(2_000))")
        let ids = try await QueueContents.entries(redis: client, keys: queue.keys).compactMap(Self.messageID)
        #expect(ids.count == total)
        let expected = Array(0..<earlier) + Array(100_000..<100_100)
        #expect(ids == expected, "first out of order at \(ids.indices.first { $0 < expected.count && ids[$0] != expected[$0] } ?? -1)")
        // Once the spool is empty, pushes go straight to Redis again (the spooled count does not move).
        #expect(await eventually(seconds: 30) { (try? FileManager.default.contentsOfDirectory(atPath: spool))?.contains { $0.hasPrefix("drain-") } == false })
        let spooledBefore = try await Self.spooledCount(ingress)
        try await push(200_000)
        #expect(try await Self.spooledCount(ingress) == spooledBefore)
        #expect(try await queue.backlog() == total + 1)
    }
}
