import Foundation
import Shared
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Issue 12, item 2: `/readyz` must not wait on a stalled Redis. Kubernetes gives a probe `timeoutSeconds`
/// (1 s by default, and in deploy/kubernetes); a pod whose probes time out `failureThreshold` times in a row
/// leaves the Service, and with every ingress out WeChat gets errors during exactly the stall the spool is
/// there for. `make test` runs this suite on its own after the others (scripts/test.sh), so that the probe
/// timeout is measured on a machine that is not also running 400 other tests.
@Suite struct ReadinessProbeTests {
    /// The probe timeout Kubernetes applies (a protocol limit, not a speed goal).
    static let kubeletTimeoutSeconds = 1.0
    /// How many probes in a row must fail before the kubelet takes the pod out of the Service: the
    /// ingress's `failureThreshold` in deploy/kubernetes (Kubernetes' default is 3).
    static let kubeletFailureThreshold = 2

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
        // Sequential probes, as a kubelet sends them, each with its timeout. The pod leaves the Service only
        // after `failureThreshold` timeouts in a row, so that is what must never happen; a single slow
        // answer on a loaded test machine is what the threshold is there to absorb. A /readyz that waited
        // on the stalled Redis would time out every time (the pool's command timeout is 5 s).
        var timeoutsInARow = 0
        for _ in 0..<8 {
            switch await within(seconds: Self.kubeletTimeoutSeconds, { try await ingress.send("GET", "/readyz") }) {
            case .none:
                timeoutsInARow += 1
                #expect(timeoutsInARow < Self.kubeletFailureThreshold, "\(timeoutsInARow) probes in a row got no answer within \(Self.kubeletTimeoutSeconds) s")
            case .success(let answer)?:
                timeoutsInARow = 0
                #expect(answer.status == 200, "\(answer.body)")  // the spool has room
            case .failure(let error)?:
                Issue.record("the probe failed: \(error)")
            }
        }
        // Once the probe has seen Redis stay silent, /readyz says so.
        let spooling = await eventually(seconds: 10) {
            (try? await ingress.send("GET", "/readyz"))?.body.contains("spooling") == true
        }
        #expect(spooling)
    }
}
