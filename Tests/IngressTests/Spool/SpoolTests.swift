import Foundation
import Logging
import Shared
import Synchronization
import TestSupport
import Testing

@testable import Ingress

@Suite struct SpoolTests {
    static func temporaryDirectory() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("spool-test-\(UInt64.random(in: 0...UInt64.max))").path
    }

    static func message(_ index: Int, key: String? = nil) -> QueuedMessage {
        QueuedMessage(
            dedupKey: key ?? "msg-\(index)", receivedAtMillis: 1_700_000_000_000 + Int64(index), envelopeVersion: 1,
            body: Array("{\"n\":\(index),\"text\":\"你好 👋\"}".utf8))
    }

    static func readAll(_ spool: Spool) async -> [QueuedMessage] {
        var messages: [QueuedMessage] = []
        for file in await spool.takeForReplay() {
            let chunk = await spool.read(file, from: 0, limit: .max)
            messages += (chunk?.payloads ?? []).compactMap(QueuedMessage.init(spoolRecord:))
        }
        return messages
    }

    @Test func concurrentAppendsAreAllKeptInOrderOfCommit() async throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let spool = await Spool.open(directory: directory, maximumBytes: 1 << 20, log: { _ in })
        defer { spool.close() }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<200 { group.addTask { try await spool.append(Self.message(index)) } }
            try await group.waitForAll()
        }
        #expect(spool.gauge.records == 200)
        let read = await Self.readAll(spool)
        #expect(Set(read) == Set((0..<200).map { Self.message($0) }))
    }

    @Test func survivesARestartAndCutsATornTail() async throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        do {
            let spool = await Spool.open(directory: directory, maximumBytes: 1 << 20, log: { _ in })
            for index in 0..<5 { try await spool.append(Self.message(index)) }
            spool.close()
        }
        // A crash mid-write: half of a sixth record at the end of the active file.
        let torn = SpoolFormat.frame(Self.message(5).spoolRecord).prefix(30)
        let handle = try #require(FileHandle(forWritingAtPath: directory + "/active.spool"))
        handle.seekToEndOfFile()
        handle.write(Data(torn))
        handle.closeFile()

        let logged = LogLines()
        let reopened = await Spool.open(directory: directory, maximumBytes: 1 << 20, log: { logged.append($0) })
        defer { reopened.close() }
        #expect(reopened.gauge.records == 5)
        #expect(await Self.readAll(reopened) == (0..<5).map { Self.message($0) })
        #expect(logged.lines.contains { $0.contains("torn") })
    }

    @Test func refusesAppendsPastItsLimit() async throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let recordSize = SpoolFormat.frame(Self.message(0).spoolRecord).count
        let spool = await Spool.open(directory: directory, maximumBytes: recordSize * 3, log: { _ in })
        defer { spool.close() }
        for index in 0..<3 { try await spool.append(Self.message(index)) }
        await #expect(throws: Spool.AppendError.full) { try await spool.append(Self.message(3)) }
        #expect(spool.gauge.records == 3)
    }

    @Test func readerTellsATornTailFromCorruption() {
        let records = (0..<3).map { SpoolFormat.frame(Self.message($0).spoolRecord) }
        let whole = records.joined().map { $0 }
        #expect(SpoolFormat.read(whole, from: 0, limit: .max).ending == .clean)
        #expect(SpoolFormat.read(whole, from: 0, limit: .max).payloads.count == 3)

        var flippedLast = whole
        flippedLast[flippedLast.count - 1] ^= 0xff
        let tornRead = SpoolFormat.read(flippedLast, from: 0, limit: .max)
        #expect(tornRead.payloads.count == 2)
        #expect(tornRead.ending == .tornTail(bytes: records[2].count))

        var flippedFirst = whole
        flippedFirst[SpoolFormat.headerSize + 1] ^= 0xff
        let corruptRead = SpoolFormat.read(flippedFirst, from: 0, limit: .max)
        #expect(corruptRead.payloads.isEmpty)
        #expect(corruptRead.ending == .corrupt(offset: 0))
    }

    @Test func drainerReplaysIntoRedisOnceRedisIsBack() async throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let server = try await RedisServerProcess()
        defer { server.stop() }
        let redis = RedisClient(configuration: .init(url: server.url(), minimumBackoff: .milliseconds(10), maximumBackoff: .milliseconds(50)))
        defer { redis.close() }
        let queue = InboundQueue(redis: redis, keys: QueueKeys(appID: "wxspool"))
        let spool = await Spool.open(directory: directory, maximumBytes: 1 << 20, log: { _ in })
        defer { spool.close() }
        let drainer = SpoolDrainer(spool: spool, queue: queue, logger: Logger(label: "test"), chunkSize: 7)

        server.stop()
        for index in 0..<40 { try await spool.append(Self.message(index)) }
        try await spool.append(Self.message(3))  // WeChat's retry of message 3, spooled twice
        #expect(await drainer.drain() == false)  // Redis is down: nothing replayed, nothing lost
        #expect(spool.gauge.records == 41)

        try await server.start()
        var drained = false
        for _ in 0..<100 where !drained {
            drained = await drainer.drain()
            if !drained { try await Task.sleep(for: .milliseconds(20)) }
        }
        #expect(drained)
        #expect(spool.gauge.records == 0)
        let entries = try await QueueContents.entries(redis: redis, keys: queue.keys)
        // These bodies are not envelopes: they all wait in user ""'s queue, in spool order.
        #expect(entries.map(\.body) == (0..<40).map { Self.message($0).body })
        #expect(await drainer.drain())  // nothing left, nothing doubled
        #expect(try await queue.backlog() == 40)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasPrefix("drain-") }.isEmpty)
    }
}

/// Collects log lines from another thread.
final class LogLines: Sendable {
    private let storage = Mutex<[String]>([])
    var lines: [String] { storage.withLock { $0 } }
    func append(_ line: String) { storage.withLock { $0.append(line) } }
}
