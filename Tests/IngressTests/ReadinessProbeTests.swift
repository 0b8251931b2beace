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
        let ingress = try await RunningIngress.start(redisPort: redis.port)
        defer { ingress.stop() }
        #expect(await eventually(seconds: 10) { (try? await ingress.send("GET", "/readyz"))?.body == "ready\n" })

        redis.signal(SIGSTOP)  // connections stay open, nothing answers
        // Sequential probes, as a kubelet sends them: each within the probe timeout, each 200 (the spool has room).
        for _ in 0..<6 {
            let answer = try await Self.withinProbeTimeout { try await ingress.send("GET", "/readyz") }
            #expect(answer.status == 200, "\(answer.body)")
        }
        // Once the probe has seen Redis stay silent, /readyz says so.
        let spooling = await eventually(seconds: 10) {
            (try? await ingress.send("GET", "/readyz"))?.body.contains("spooling") == true
        }
        #expect(spooling)
    }
}
