import Foundation
import Shared
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Issue 12, item 9: a client that trickles its request head (slowloris) must not hold a connection
/// forever; the server closes it once it has been idle (no complete request part) for the idle timeout.
@Suite struct SlowClientTests {
    /// Sends `bytes` one per second; returns how many were sent when the server closed the connection,
    /// or nil if it never did.
    static func trickle(_ bytes: [UInt8], port: Int) throws -> Int? {
        guard let descriptor = Loopback.connect(port: port) else { throw Loopback.Failure(description: "cannot connect") }
        defer { close(descriptor) }
        for (index, byte) in bytes.enumerated() {
            if closedByPeer(descriptor) { return index }
            var value = byte
            if send(descriptor, &value, 1, Int32(MSG_NOSIGNAL)) != 1 { return index }
            Thread.sleep(forTimeInterval: 1)
        }
        return closedByPeer(descriptor) ? bytes.count : nil
    }

    /// True when the peer has closed (or reset) the connection: readable with nothing to read.
    static func closedByPeer(_ descriptor: Int32) -> Bool {
        var byte: UInt8 = 0
        let result = recv(descriptor, &byte, 1, Int32(MSG_PEEK | MSG_DONTWAIT))
        return result == 0 || (result < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
    }

    @Test func aHeadSentOneBytePerSecondIsCutOff() async throws {
        let redis = try await RedisServerProcess()
        defer { redis.stop() }
        let spool = FileManager.default.temporaryDirectory.appendingPathComponent("slow-spool-\(UInt32.random(in: 0...UInt32.max))").path
        defer { try? FileManager.default.removeItem(atPath: spool) }
        let httpPort = try Loopback.freePort()
        var environment = IngressProcessTests.environment(redisPort: redis.port, httpPort: httpPort, spool: spool)
        environment["INGRESS_IDLE_TIMEOUT_SECONDS"] = "2"
        let ingress = try ServiceProcess("ingress", environment: environment)
        defer { ingress.stop(signal: SIGKILL) }
        try await IngressProcessTests.waitForHTTP(port: httpPort)

        let head = Array("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: slowloris\r\n\r\n".utf8)
        let sentWhenClosed = try await offThePool { try Self.trickle(head, port: httpPort) }
        let cutOff = try #require(sentWhenClosed, "the server kept a trickling connection open for the whole head")
        #expect(cutOff < head.count)
        // Ordinary requests are unaffected.
        #expect(try await offThePool { try HTTPTestClient.send(port: httpPort, method: "GET", path: "/healthz") }.status == 200)
    }
}
