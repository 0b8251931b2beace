import Foundation
import Shared
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Issue 12, item 4: a password-protected Redis that accepts TCP and never answers (a black-holed port,
/// a frozen proxy) must not hang the ingress's start-up or its reconnects in AUTH.
@Suite struct RedisHandshakeTests {
    @Test func anAuthThatNeverAnswersDoesNotStopTheIngressFromServing() async throws {
        let silent = try Loopback.silentListener()
        defer { close(silent.descriptor) }
        // Start-up gets past the handshake: the listener opens.
        let ingress = try await RunningIngress.start(redisPort: silent.port, extra: ["REDIS_URL": "redis://:s3cret@127.0.0.1:\(silent.port)/0"])
        defer { ingress.stop() }
        // Every push is answered (spooled) within WeChat's window, reconnect attempts included.
        for id in 0..<4 {
            try await StalledRedisTests.withinWeChatsWindow {
                let answer = try await ingress.push(id: Int64(7000 + id))
                #expect(answer.status == 200)
                #expect(answer.body == "success")
            }
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: ingress.spool).contains { $0.hasSuffix(".spool") })
    }
}
