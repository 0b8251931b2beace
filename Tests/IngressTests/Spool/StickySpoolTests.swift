import Foundation
import Shared
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

@testable import Ingress

/// Issue 11 (ordering), the ingress half: while its spool still holds messages, an ingress spools new
/// pushes behind them instead of sending them to Redis ahead of them, so Redis receives one ingress's
/// messages in the order they arrived, also while the spool is being replayed.
@Suite struct StickySpoolTests {
    /// The MsgId a stream entry's dedup key (`m:<MsgId>:<openid>:<time>`) carries.
    static func messageID(_ entry: StreamEntry) -> Int? {
        entry.text("key").flatMap { key in key.split(separator: ":").dropFirst().first.flatMap { Int($0) } }
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
            for id in 0..<earlier {
                let message = QueuedMessage(dedupKey: "m:\(id):oEarlier:1", receivedAtMillis: 1, envelopeVersion: 1, body: [UInt8](repeating: 0x61, count: 512))
                buffer += SpoolFormat.frame(message.spoolRecord)
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
        let stream = QueueKeys(appID: "wxprocess").inbound
        let total = Int64(earlier + 100)
        #expect(await eventually(seconds: 120, every: .milliseconds(100)) { (try? await client.send("XLEN", RedisArgument(stream)).integer) == total }, "\(ingress.process.log.suffix(2_000))")
        let ids = try StreamEntry.list(try await client.send("XRANGE", RedisArgument(stream), "-", "+")).compactMap(Self.messageID)
        #expect(ids.count == Int(total))
        let expected = Array(0..<earlier) + Array(100_000..<100_100)
        #expect(ids == expected, "first out of order at \(ids.indices.first { $0 < expected.count && ids[$0] != expected[$0] } ?? -1)")
        // Once the spool is empty, pushes go straight to Redis again (the spooled count does not move).
        #expect(await eventually(seconds: 30) { (try? FileManager.default.contentsOfDirectory(atPath: spool))?.contains { $0.hasPrefix("drain-") } == false })
        let spooledBefore = try await Self.spooledCount(ingress)
        try await push(200_000)
        #expect(try await Self.spooledCount(ingress) == spooledBefore)
        #expect(try await client.send("XLEN", RedisArgument(stream)).integer == total + 1)
    }
}
