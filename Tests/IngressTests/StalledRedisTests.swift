import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Shared
import TestSupport
import Testing

@testable import Ingress

/// Redis that stalls instead of refusing (a replaced container, a partition, a frozen host): the ingress
/// must not wait on it past WeChat's 5 s, or WeChat gives up and the user sees "service unavailable".
@Suite struct StalledRedisTests {
    struct NoAnswerInTime: Error {}

    /// Runs `body`, failing if it has not finished within WeChat's 5 s (a protocol limit, not a speed goal).
    static func withinWeChatsWindow(_ body: @escaping @Sendable () async throws -> Void) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(for: .seconds(5))
                throw NoAnswerInTime()
            }
            try await group.next()
            group.cancelAll()
        }
    }

    @Test func aStalledRedisMeansSpooledWithinWeChatsWindowThenQueuedOnce() async throws {
        let server = try await RedisServerProcess()
        defer { server.stop() }
        // A command timeout far beyond WeChat's window: only the enqueue deadline can answer in time.
        let harness = try await IngressHarness(redisURL: server.url(), extra: ["INGRESS_ENQUEUE_DEADLINE_MS": "300"]) {
            $0.commandTimeout = .seconds(120)
        }
        defer {
            server.signal(SIGCONT)
            harness.close()
        }
        try await harness.components.application().test(.router) { client in
            @Sendable func push(_ id: Int64) async throws {
                try await client.execute(uri: "/wechat?\(IngressHarness.signedQuery())", method: .post, body: ByteBuffer(string: IngressHarness.textMessage(id: id))) { response in
                    #expect(response.status == .ok)
                    #expect(String(buffer: response.body) == "success")
                }
            }
            try await push(2000)  // Redis answering: queued at once
            server.signal(SIGSTOP)
            // WeChat waits 5 s for an answer; each push (and its retry) must be answered within that.
            for id in Int64(2001)...2005 {
                try await Self.withinWeChatsWindow { try await push(id) }
                try await Self.withinWeChatsWindow { try await push(id) }
            }
        }
        #expect(harness.components.spool.gauge.records >= 5)

        // Redis thaws: whatever was in flight lands, and the spool's replay drops what is already there.
        server.signal(SIGCONT)
        #expect(try await harness.drainSpool())
        let keys = try await harness.queuedEntries().map(\.dedupKey)
        #expect(keys.count == 6)
        #expect(Set(keys).count == 6)
    }
}
