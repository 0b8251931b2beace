import Hummingbird
import HummingbirdTesting
import Logging
import Shared
import TestSupport
import Testing

@testable import Ingress

@Suite struct HealthControllerTests {
    static func configuration(redis url: RedisURL) throws -> RelayConfiguration {
        try RelayConfiguration(role: .ingress, environment: [
            "REDIS_URL": url.description.replacingPassword(with: url.password),
            "WECHAT_TOKEN": "token", "WECHAT_APPID": "wx0000000000000000", "INGRESS_HOST": "127.0.0.1", "INGRESS_PORT": "0",
        ])
    }

    @Test func healthAndReadinessWithRedisUp() async throws {
        let url = try TestRedis.url()
        let redis = try TestRedis.client()
        defer { redis.close() }
        let app = buildApplication(configuration: try Self.configuration(redis: url), redis: redis, logger: Logger(label: "test"))
        try await app.test(.router) { client in
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/readyz", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == "ready\n")
            }
        }
    }

    @Test func notReadyWhenRedisIsDown() async throws {
        let server = try await RedisServerProcess()
        let url = server.url()
        server.stop()
        let redis = RedisClient(configuration: .init(url: url))
        defer { redis.close() }
        let app = buildApplication(configuration: try Self.configuration(redis: url), redis: redis, logger: Logger(label: "test"))
        try await app.test(.router) { client in
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/readyz", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
            }
        }
    }
}

extension String {
    /// Puts a real password back into a masked URL description (tests only).
    fileprivate func replacingPassword(with password: String?) -> String {
        guard let password else { return self }
        return split(separator: "***", omittingEmptySubsequences: false).joined(separator: password)
    }
}
