import Foundation
import Shared
import TestSupport
import Testing
import WeChatFake

@testable import Worker

/// Item 5 of issue 12: the worker's liveness (`/healthz`) is the process alone, its readiness (`/readyz`)
/// follows Redis from a background probe; a built `worker` process against a private redis-server that
/// is killed, restarted and frozen.
@Suite struct WorkerProbeTests {
    func status(_ port: Int, _ path: String) async -> Int? {
        try? await HTTPTestClient.send(port: port, method: "GET", path: path).status
    }

    @Test func healthzIgnoresRedisAndReadyzFollowsIt() async throws {
        let server = try await RedisServerProcess()
        let appID = WorkerHarness.uniqueAppID()
        let fake = FakeWeChatAPI(apps: [appID: WorkerHarness.secret])
        try await fake.start()
        let port = try Loopback.freePort()
        let environment = try WorkerHarness.environment(
            appID: appID, fake: fake, extra: ["WORKER_METRICS_PORT": String(port), "REDIS_URL": "redis://127.0.0.1:\(server.port)/0"])
        let worker = try ServiceProcess("worker", environment: environment)
        #expect(await eventually(seconds: 30) { await status(port, "/readyz") == 200 }, "\(worker.log)")
        #expect(await status(port, "/healthz") == 200)

        // Redis gone: the process is still alive (200), but not ready (503).
        try await offThePool { server.stop(signal: SIGKILL) }
        #expect(await status(port, "/healthz") == 200)
        #expect(await eventually(seconds: 10) { await status(port, "/readyz") == 503 })
        #expect(await status(port, "/healthz") == 200)

        try await server.start()
        #expect(await eventually(seconds: 30) { await status(port, "/readyz") == 200 })

        // Redis frozen (connections open, no answer, past the 5 s command timeout): both still answer at once.
        server.signal(SIGSTOP)
        let health = await within(seconds: 2) { await status(port, "/healthz") }
        #expect(health.flatMap { try? $0.get() } == 200, "/healthz must not wait for a frozen Redis")
        #expect(await eventually(seconds: 10) { await status(port, "/readyz") == 503 })
        let ready = await within(seconds: 2) { await status(port, "/readyz") }
        #expect(ready.flatMap { try? $0.get() } == 503, "/readyz must answer from its probe's state, not wait for Redis")
        server.signal(SIGCONT)
        #expect(await eventually(seconds: 30) { await status(port, "/readyz") == 200 })

        #expect(await (try? offThePool { worker.stop(signal: SIGTERM) }) == 0, "\(worker.log)")
        await fake.stop()
    }
}
