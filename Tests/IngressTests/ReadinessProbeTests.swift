import Foundation
import Shared
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Issue 12, item 2: `/readyz` must not wait on a stalled Redis. Kubernetes gives a probe `timeoutSeconds`
/// (1 s by default, and in deploy/kubernetes); a pod whose probe times out leaves the Service, and with
/// every ingress out WeChat gets errors during exactly the stall the spool is there for.
@Suite struct ReadinessProbeTests {
    struct NoAnswerInTime: Error {}

    /// The probe timeout Kubernetes applies (a protocol limit, not a speed goal).
    static let kubeletTimeout: Duration = .seconds(1)

    static func withinProbeTimeout<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(for: kubeletTimeout)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let value = first else { throw NoAnswerInTime() }
            return value
        }
    }

    @Test func readyzAnswersAtOnceWhileRedisIsStalled() async throws {
        let redis = try await RedisServerProcess()
        defer {
            redis.signal(SIGCONT)
            redis.stop()
        }
        let spool = FileManager.default.temporaryDirectory.appendingPathComponent("ready-spool-\(UInt32.random(in: 0...UInt32.max))").path
        defer { try? FileManager.default.removeItem(atPath: spool) }
        let httpPort = try Loopback.freePort()
        let ingress = try ServiceProcess("ingress", environment: IngressProcessTests.environment(redisPort: redis.port, httpPort: httpPort, spool: spool))
        defer { ingress.stop(signal: SIGKILL) }
        try await IngressProcessTests.waitForHTTP(port: httpPort)
        #expect(try await offThePool { try HTTPTestClient.send(port: httpPort, method: "GET", path: "/readyz") }.body == "ready\n")

        redis.signal(SIGSTOP)  // connections stay open, nothing answers
        // Sequential probes, as a kubelet sends them: each within the probe timeout, each 200 (the spool has room).
        for _ in 0..<6 {
            let answer = try await Self.withinProbeTimeout {
                try await offThePool { try HTTPTestClient.send(port: httpPort, method: "GET", path: "/readyz") }
            }
            #expect(answer.status == 200, "\(answer.body)")
        }
        // Once the probe has seen Redis stay silent, /readyz says so.
        let spooling = await eventually(seconds: 10) {
            (try? await offThePool { try HTTPTestClient.send(port: httpPort, method: "GET", path: "/readyz") })?.body.contains("spooling") == true
        }
        #expect(spooling)
    }
}
