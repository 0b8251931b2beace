import Hummingbird
import HummingbirdTesting
import Shared
import TestSupport
import Testing

@testable import Ingress

@Suite struct HealthControllerTests {
    @Test func healthReadinessAndMetricsWithRedisUp() async throws {
        let harness = try await IngressHarness()
        defer { harness.close() }
        try await harness.components.application().test(.router) { client in
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .ok)
            }
            // The readiness probe has seen Redis answer (it pings in the background).
            let ready = try await eventually(seconds: 10) {
                let response = try await client.execute(uri: "/readyz", method: .get)
                return response.status == .ok && String(buffer: response.body) == "ready\n"
            }
            #expect(ready)
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("# TYPE wechat_ingress_requests_total counter"))
            }
        }
    }

    @Test func readyWhileTheSpoolCanTakeMessagesNotWhenItCannot() async throws {
        let server = try await RedisServerProcess()
        let url = server.url()
        server.stop()
        let spooling = try await IngressHarness(redisURL: url)
        defer { spooling.close() }
        try await spooling.components.application().test(.router) { client in
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/readyz", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("spooling"))
            }
        }
        let tinySpool = try await IngressHarness(redisURL: url, extra: ["INGRESS_SPOOL_MAX_BYTES": "4096"])
        defer { tinySpool.close() }
        try await tinySpool.components.application().test(.router) { client in
            try await client.execute(uri: "/readyz", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
            }
        }
    }
}
