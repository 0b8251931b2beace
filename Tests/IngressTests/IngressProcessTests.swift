import Foundation
import Shared
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The real `ingress` executable, killed for real.
@Suite struct IngressProcessTests {
    static func environment(redisPort: Int, httpPort: Int, spool: String) -> [String: String] {
        [
            "WECHAT_TOKEN": IngressHarness.token, "WECHAT_APPID": "wxprocess", "REDIS_URL": "redis://127.0.0.1:\(redisPort)/0",
            "INGRESS_HOST": "127.0.0.1", "INGRESS_PORT": String(httpPort), "INGRESS_SPOOL_DIR": spool,
        ]
    }

    static func waitForHTTP(port: Int) async throws {
        for _ in 0..<200 {
            if (try? await HTTPTestClient.send(port: port, method: "GET", path: "/healthz"))?.status == 200 { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw HTTPTestClient.Failure(description: "the ingress did not start on port \(port)")
    }

    @Test func spooledMessagesSurviveSIGKILLAndAreReplayedByTheNextIngress() async throws {
        let redis = try await RedisServerProcess(extraArguments: ["--appendonly", "yes"])
        defer { redis.stop() }
        redis.stop()  // Redis is down while the messages arrive
        let spool = FileManager.default.temporaryDirectory.appendingPathComponent("process-spool-\(UInt32.random(in: 0...UInt32.max))").path
        defer { try? FileManager.default.removeItem(atPath: spool) }
        let httpPort = try Loopback.freePort()
        let environment = Self.environment(redisPort: redis.port, httpPort: httpPort, spool: spool)

        let first = try ServiceProcess("ingress", environment: environment)
        try await Self.waitForHTTP(port: httpPort)
        for id in 0..<25 {
            let query = IngressHarness.signedQuery()
            let answer = try await HTTPTestClient.send(port: httpPort, method: "POST", path: "/wechat?\(query)", body: IngressHarness.textMessage(id: Int64(500 + id)))
            #expect(answer.status == 200)
            #expect(answer.body == "success")
        }
        _ = try await offThePool { first.stop(signal: SIGKILL) }  // a crash: no chance to flush anything

        try await redis.start()
        let second = try ServiceProcess("ingress", environment: environment)
        defer { second.stop(signal: SIGKILL) }
        let client = RedisClient(configuration: .init(url: redis.url()))
        defer { client.close() }
        let queue = InboundQueue(redis: client, keys: QueueKeys(appID: "wxprocess"))
        var length = 0
        for _ in 0..<200 where length < 25 {
            length = (try? await queue.backlog()) ?? 0
            if length < 25 { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(length == 25, "\(second.log)")
        let keys = try await QueueContents.entries(redis: client, keys: queue.keys).map(\.dedupKey)
        #expect(Set(keys).count == 25)
        // The user is ready for the workers that start later.
        #expect(try await client.send("ZCARD", RedisArgument(queue.keys.ready)).integer == 1)
    }

    @Test func sigtermStopsCleanly() async throws {
        let redis = try await RedisServerProcess()
        defer { redis.stop() }
        let spool = FileManager.default.temporaryDirectory.appendingPathComponent("process-spool-\(UInt32.random(in: 0...UInt32.max))").path
        defer { try? FileManager.default.removeItem(atPath: spool) }
        let httpPort = try Loopback.freePort()
        let ingress = try ServiceProcess("ingress", environment: Self.environment(redisPort: redis.port, httpPort: httpPort, spool: spool))
        try await Self.waitForHTTP(port: httpPort)
        let query = IngressHarness.signedQuery()
        let answer = try await HTTPTestClient.send(port: httpPort, method: "POST", path: "/wechat?\(query)", body: IngressHarness.textMessage(id: 1))
        #expect(answer.status == 200)
        let status = try await offThePool { ingress.stop(signal: SIGTERM) }
        #expect(status == 0, "\(ingress.log)")
        #expect(ingress.log.contains("ingress stopped"))
    }

    @Test func missingConfigurationIsOneClearLine() async throws {
        let ingress = try ServiceProcess("ingress", environment: ["WECHAT_TOKEN": "", "WECHAT_APPID": "wx1", "INGRESS_HOST": "127.0.0.1", "INGRESS_PORT": "1"])
        let status = try await offThePool { ingress.stop(signal: 0) }
        #expect(status == 2)
        #expect(ingress.log.trimmingCharacters(in: .whitespacesAndNewlines) == "ingress: configuration error: WECHAT_TOKEN is required but not set")
    }
}
