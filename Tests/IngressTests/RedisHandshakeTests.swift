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
        let spool = FileManager.default.temporaryDirectory.appendingPathComponent("auth-spool-\(UInt32.random(in: 0...UInt32.max))").path
        defer { try? FileManager.default.removeItem(atPath: spool) }
        let httpPort = try Loopback.freePort()
        var environment = IngressProcessTests.environment(redisPort: silent.port, httpPort: httpPort, spool: spool)
        environment["REDIS_URL"] = "redis://:s3cret@127.0.0.1:\(silent.port)/0"
        let ingress = try ServiceProcess("ingress", environment: environment)
        defer { ingress.stop(signal: SIGKILL) }

        // Start-up gets past the handshake: the listener opens.
        try await IngressProcessTests.waitForHTTP(port: httpPort)
        // Every push is answered (spooled) within WeChat's window, reconnect attempts included.
        for id in 0..<4 {
            let query = IngressHarness.signedQuery()
            try await StalledRedisTests.withinWeChatsWindow {
                let answer = try await offThePool { try HTTPTestClient.send(port: httpPort, method: "POST", path: "/wechat?\(query)", body: IngressHarness.textMessage(id: Int64(7000 + id))) }
                #expect(answer.status == 200)
                #expect(answer.body == "success")
            }
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: spool).contains { $0.hasSuffix(".spool") })
    }
}
