import Foundation
import Logging
import Shared
import TestSupport
import Testing

@testable import Ingress

/// Issue 12, item 7: what the spool remembers about its files stays true after a quarantine and after
/// an interrupted replay.
@Suite struct SpoolBookkeepingTests {
    static func files(_ directory: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
    }

    @Test func aQuarantinedFileLeavesNoProgressForALaterFileToInherit() async throws {
        let directory = SpoolTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let server = try await RedisServerProcess()
        defer { server.stop() }
        let redis = RedisClient(configuration: .init(url: server.url()))
        defer { redis.close() }
        let queue = InboundQueue(redis: redis, keys: QueueKeys(appID: "wxquarantine"))

        // Ten records, the sixth corrupted in the middle of the file (not a torn tail).
        do {
            let spool = await Spool.open(directory: directory, maximumBytes: 1 << 20, log: { _ in })
            for index in 0..<10 { try await spool.append(SpoolTests.message(index)) }
            spool.close()
        }
        let record = SpoolFormat.frame(SpoolTests.message(0).spoolRecord).count
        let active = directory + "/active.spool"
        var bytes = try #require(FileManager.default.contents(atPath: active))
        bytes[5 * record + SpoolFormat.headerSize + 3] ^= 0xff
        try bytes.write(to: URL(fileURLWithPath: active))

        do {
            let spool = await Spool.open(directory: directory, maximumBytes: 1 << 20, log: { _ in })
            let drainer = SpoolDrainer(spool: spool, queue: queue, logger: Logger(label: "test"), chunkSize: 2)
            #expect(spool.gauge.records == 5)
            _ = await drainer.drain()
            #expect(spool.gauge.records == 0)
            #expect(try Self.files(directory).contains { $0.hasSuffix(".spool.corrupt") })
            #expect(try !Self.files(directory).contains { $0.hasSuffix(".offset") })
            spool.close()
        }
        // A new run spools three more; they must all be replayed, from their file's first byte.
        let spool = await Spool.open(directory: directory, maximumBytes: 1 << 20, log: { _ in })
        defer { spool.close() }
        for index in 100..<103 { try await spool.append(SpoolTests.message(index)) }
        let drainer = SpoolDrainer(spool: spool, queue: queue, logger: Logger(label: "test"), chunkSize: 2)
        #expect(await drainer.drain())
        // These bodies are not envelopes: they all wait in user ""'s queue, in replay order.
        let bodies = try await QueueContents.entries(redis: redis, keys: queue.keys).map(\.body)
        #expect(bodies == ((0..<5).map { $0 } + (100..<103).map { $0 }).map { SpoolTests.message($0).body })
        #expect(spool.gauge.records == 0)
        // The quarantined file is kept, not overwritten by a later one of the same name.
        #expect(try Self.files(directory).filter { $0.hasSuffix(".spool.corrupt") }.count == 1)
    }

    @Test func theGaugeReturnsToZeroAfterAnInterruptedReplay() async throws {
        let directory = SpoolTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let server = try await RedisServerProcess()
        defer { server.stop() }
        let appID = "wxinterrupted"
        let keys = QueueKeys(appID: appID)
        // A user that may write the queue's keys and the dedup keys of msg-0 … msg-9 only: the replay stops at msg-10.
        let admin = RedisClient(configuration: .init(url: server.url()))
        defer { admin.close() }
        try await admin.send(
            "ACL", "SETUSER", "drainer", "on", ">pw", "+@all", RedisArgument("~\(keys.userQueuePrefix)*"), RedisArgument("~\(keys.ready)"),
            RedisArgument("~\(keys.owner)"), RedisArgument("~\(keys.backlog)"), RedisArgument("~\(keys.wake)"), RedisArgument("~\(keys.activeUsers)"),
            RedisArgument("~\(keys.prefix):dedup:msg-?"))
        let redis = RedisClient(configuration: .init(url: server.url(user: "drainer", password: "pw")))
        defer { redis.close() }
        let queue = InboundQueue(redis: redis, keys: keys)
        let spool = await Spool.open(directory: directory, maximumBytes: 1 << 20, log: { _ in })
        defer { spool.close() }
        for index in 0..<40 { try await spool.append(SpoolTests.message(index)) }
        let drainer = SpoolDrainer(spool: spool, queue: queue, logger: Logger(label: "test"), chunkSize: 7)

        #expect(await drainer.drain() == false)  // interrupted after the first chunk
        #expect(spool.gauge.records == 33)
        try await admin.send("ACL", "SETUSER", "drainer", "allkeys")
        #expect(await drainer.drain())
        #expect(spool.gauge.records == 0)
        #expect(spool.gauge.bytes == 0)
        let queued = try await QueueContents.entries(redis: admin, keys: keys).map(\.body)
        #expect(queued == (0..<40).map { SpoolTests.message($0).body })
    }
}
