import Foundation
import Shared
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Issue 12, item 9: a client that trickles its request (slowloris) must not hold a connection forever:
/// the server closes it once it has been idle (no complete request part) for the idle timeout, and once a
/// request has not ended within the request timeout after its head.
@Suite struct SlowClientTests {
    /// Sends `start` at once, then `bytes` one per second; returns how many of `bytes` were sent when the
    /// server closed the connection, or nil if it never did.
    static func trickle(_ bytes: [UInt8], after start: [UInt8] = [], port: Int) throws -> Int? {
        guard let descriptor = Loopback.connect(port: port) else { throw Loopback.Failure(description: "cannot connect") }
        defer { close(descriptor) }
        if !start.isEmpty, send(descriptor, start, start.count, Int32(MSG_NOSIGNAL)) != start.count { return 0 }
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
        let ingress = try await RunningIngress.start(redisPort: redis.port, extra: ["INGRESS_IDLE_TIMEOUT_SECONDS": "2"])
        defer { ingress.stop() }
        let httpPort = ingress.port

        let head = Array("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: slowloris\r\n\r\n".utf8)
        let sentWhenClosed = try await offThePool { try Self.trickle(head, port: httpPort) }
        let cutOff = try #require(sentWhenClosed, "the server kept a trickling connection open for the whole head")
        #expect(cutOff < head.count)
        // Ordinary requests are unaffected.
        #expect(try await ingress.send("GET", "/healthz").status == 200)
    }

    @Test func aBodySentOneBytePerSecondIsCutOff() async throws {
        let redis = try await RedisServerProcess()
        defer { redis.stop() }
        let ingress = try await RunningIngress.start(redisPort: redis.port, extra: ["INGRESS_REQUEST_TIMEOUT_SECONDS": "2"])
        defer { ingress.stop() }
        let body = Array(IngressHarness.textMessage(id: 8080).utf8.prefix(30))
        let head = Array("POST /wechat?\(IngressHarness.signedQuery()) HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: \(body.count)\r\n\r\n".utf8)
        let port = ingress.port
        // Each byte restarts the idle timer (30 s here); only the request timeout can end this.
        let sentWhenClosed = try await offThePool { try Self.trickle(body, after: head, port: port) }
        let cutOff = try #require(sentWhenClosed, "the server kept a request whose body trickled in open to its end")
        #expect(cutOff < body.count)
        #expect(try await ingress.send("GET", "/healthz").status == 200)
    }
}
