import Shared
import TestSupport
import Testing

@testable import Ingress

@Suite struct EnqueueBatcherTests {
    @Test func concurrentMessagesShareScriptCallsAndAreEachQueuedOnce() async throws {
        let server = try await RedisServerProcess()
        defer { server.stop() }
        let redis = RedisClient(configuration: .init(url: server.url()))
        defer { redis.close() }
        let queue = InboundQueue(redis: redis, keys: QueueKeys(appID: "wxbatch"))
        // A deadline far beyond the test's needs: this test is about batching, not about a slow Redis.
        let batcher = EnqueueBatcher(queue: queue, deadline: .seconds(30))
        let loop = Task { await batcher.run() }
        defer { loop.cancel() }

        // 300 requests at once; message i and i+150 carry the same dedup key (a WeChat retry racing the original).
        let outcomes = await withTaskGroup(of: Result<EnqueueOutcome, RedisError>.self) { group in
            for index in 0..<300 {
                group.addTask {
                    let key = "msg-\(index % 150)"
                    return await batcher.enqueue(QueuedMessage(dedupKey: key, receivedAtMillis: 1, envelopeVersion: 1, body: Array("body \(index % 150)".utf8)))
                }
            }
            var all: [Result<EnqueueOutcome, RedisError>] = []
            for await outcome in group { all.append(outcome) }
            return all
        }
        let queued = outcomes.filter { if case .success(.queued) = $0 { return true } else { return false } }.count
        let duplicates = outcomes.filter { $0 == .success(.duplicate) }.count
        #expect(queued == 150)
        #expect(duplicates == 150)
        #expect(try await queue.backlog() == 150)

        // Group commit: fewer script calls than messages.
        let stats = try await redis.send("INFO", "commandstats").string ?? ""
        let calls = stats.split(separator: "\r\n").filter { $0.hasPrefix("cmdstat_evalsha:") || $0.hasPrefix("cmdstat_eval:") }
            .compactMap { line in line.split(separator: "calls=").last?.split(separator: ",").first.flatMap { Int($0) } }
            .reduce(0, +)
        #expect(calls > 0 && calls < 300)
    }

    @Test func aClosedBatcherRefusesSoTheCallerCanSpool() async throws {
        let redis = try TestRedis.client()
        defer { redis.close() }
        let batcher = EnqueueBatcher(queue: InboundQueue(redis: redis, keys: QueueKeys(appID: "wxclosed\(UInt32.random(in: 0...UInt32.max))")))
        let loop = Task { await batcher.run() }
        loop.cancel()
        await loop.value
        let outcome = await batcher.enqueue(QueuedMessage(dedupKey: "k", receivedAtMillis: 1, envelopeVersion: 1, body: []))
        #expect(outcome == .failure(.closed))
    }
}
