import Foundation
import Shared
import TestSupport
import Testing

@testable import Ingress

#if canImport(Glibc)
import Glibc
#endif

/// Issue 12, item 3: a real ingress opens and replays a spool far larger than its memory budget with
/// bounded memory: its peak RSS stays within 16 MiB of an ingress that started with an empty spool.
@Suite struct SpoolMemoryTests {
    /// Peak resident memory of a process, in KiB (`VmHWM` in /proc/PID/status).
    static func peakRSS(_ process: ServiceProcess) -> Int {
        let status = (try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") } ?? ""
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
    }

    /// Writes `count` records of `bodyBytes` each as an `active.spool`, as the ingress itself frames them.
    static func writeSpool(_ directory: String, count: Int, bodyBytes: Int) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: directory + "/active.spool", contents: nil)
        let handle = try #require(FileHandle(forWritingAtPath: directory + "/active.spool"))
        defer { try? handle.close() }
        let body = [UInt8](repeating: UInt8(ascii: "x"), count: bodyBytes)
        var buffer: [UInt8] = []
        for index in 0..<count {
            let message = QueuedMessage(dedupKey: "m:\(index):oBig:1", receivedAtMillis: 1_700_000_000_000, envelopeVersion: 1, body: body)
            buffer += SpoolFormat.frame(message.spoolRecord)
            if buffer.count > 4 << 20 || index == count - 1 {
                handle.write(Data(buffer))
                buffer.removeAll(keepingCapacity: true)
            }
        }
    }

    @Test func aLargeSpoolIsOpenedAndReplayedWithBoundedMemory() async throws {
        let redis = try await RedisServerProcess()
        defer { redis.stop() }
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("memory-\(UInt32.random(in: 0...UInt32.max))").path
        defer { try? FileManager.default.removeItem(atPath: base) }
        let count = 6_600
        try Self.writeSpool(base + "/big", count: count, bodyBytes: 16 * 1024)
        let spoolBytes = (try FileManager.default.attributesOfItem(atPath: base + "/big/active.spool")[.size] as? Int) ?? 0
        #expect(spoolBytes > 100 << 20)

        // The baseline: the same ingress with an empty spool, after it has served a few pushes.
        let baseline = try await RunningIngress.start(redisPort: redis.port, spool: base + "/empty", extra: ["WECHAT_APPID": "wxbaseline"])
        defer { baseline.stop() }
        for id in 0..<20 { _ = try await baseline.push(id: Int64(id)) }
        let baselineKiB = Self.peakRSS(baseline.process)

        let ingress = try await RunningIngress.start(redisPort: redis.port, spool: base + "/big", extra: ["WECHAT_APPID": "wxbigspool"])
        defer { ingress.stop() }
        let client = RedisClient(configuration: .init(url: redis.url()))
        defer { client.close() }
        let drained = await eventually(seconds: 300, every: .milliseconds(200)) {
            (try? await InboundQueue(redis: client, keys: QueueKeys(appID: "wxbigspool")).backlog()) == count
        }
        #expect(drained, "\(ingress.process.log.suffix(2_000))")
        #expect(await eventually(seconds: 30) { (try? FileManager.default.contentsOfDirectory(atPath: base + "/big"))?.contains { $0.hasPrefix("drain-") } == false })
        let peakKiB = Self.peakRSS(ingress.process)
        print(
            "spool memory: \(spoolBytes >> 20) MiB spool, \(count) records; peak RSS \(peakKiB / 1024) MiB opening and replaying it, \(baselineKiB / 1024) MiB with an empty spool (+\((peakKiB - baselineKiB) / 1024) MiB)"
        )
        #expect(peakKiB > 0 && baselineKiB > 0)
        #expect(peakKiB - baselineKiB <= 16 * 1024, "peak \(peakKiB) KiB against a baseline of \(baselineKiB) KiB")
    }
}
