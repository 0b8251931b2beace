import Foundation
import Logging
import Shared
import Synchronization
import WeChatFake

/// `worker-bench BIN_DIR REDIS_URL` (`worker-bench cost …`: ``CostBench``): replies/s of the built `worker` processes draining pre-loaded users'
/// queues (1 000 users) into the in-process fake WeChat API, for each latency × process count. Prints one
/// markdown row per cell, with the speed-up over one process and, at 100 ms, the Little's-law bound
/// (processes × concurrency ÷ latency). Throughput is measured from the first to the last reply, so
/// process start-up is excluded.
@main
struct WorkerBench {
    static func main() async throws {
        var arguments = CommandLine.arguments
        if arguments.count >= 6, arguments[1] == "preload-stream", let count = Int(arguments[4]) {
            let redis = RedisClient(configuration: RedisClientConfiguration(url: try RedisURL(parsing: arguments[2])))
            try await CostBench.preloadStream(arguments[3], count: count, appID: arguments[5], redis: redis)
            redis.close()
            return
        }
        let costOnly = arguments.count > 1 && arguments[1] == "cost"
        if costOnly { arguments.remove(at: 1) }
        guard arguments.count >= 3 else {
            print("usage: worker-bench [cost] BIN_DIR REDIS_URL")
            return
        }
        let binDirectory = arguments[1]
        let redisURL = arguments[2]
        let environment = ProcessInfo.processInfo.environment
        let throughputConcurrency = Int(environment["BENCH_CONCURRENCY"] ?? "") ?? 64
        // At 100 ms, 16 users per process keep 4 processes' bound (640/s) under what 2 shared cores can
        // carry, so the cells measure how the design scales rather than the machine's CPU ceiling.
        let scalingConcurrency = Int(environment["BENCH_SCALING_CONCURRENCY"] ?? "") ?? 16
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .error
            return handler
        }
        let redis = RedisClient(configuration: RedisClientConfiguration(url: try RedisURL(parsing: redisURL)))
        defer { redis.close() }
        if costOnly {
            try await CostBench.run(binDirectory: binDirectory, redisURL: redisURL, redis: redis)
            return
        }

        print("| API latency | worker processes | concurrency per process | messages (1 000 users) | replies/s | × one process | Little's-law bound | goal |")
        print("|---:|---:|---:|---:|---:|---:|---:|---|")
        for latency in [0, 100] {
            var single: Double?
            let concurrency = latency == 0 ? throughputConcurrency : scalingConcurrency
            for processes in latency == 0 ? [1, 2] : [1, 2, 4] {
                let count = latency == 0 ? Int(environment["BENCH_MESSAGES"] ?? "") ?? 20_000 : processes * concurrency * 30
                let rate = try await cell(
                    latencyMilliseconds: latency, processes: processes, count: count, concurrency: concurrency,
                    binDirectory: binDirectory, redisURL: redisURL, redis: redis)
                if processes == 1 { single = rate }
                let speedup = single.map { String(format: "%.2f×", rate / $0) } ?? "–"
                var bound = "–"
                var goal = ""
                if latency == 0 {
                    goal = processes == 2 ? "≥ 5 000/s" : ""
                } else {
                    let ideal = Double(processes * concurrency) / (Double(latency) / 1000)
                    bound = "\(Int(ideal))/s"
                    goal = processes == 2 ? "≥ 1.8×" : processes == 4 ? "≥ 3.4×" : "≥ 90% of the bound"
                }
                print("| \(latency) ms | \(processes) | \(concurrency) | \(count) | \(Int(rate)) | \(speedup) | \(bound) | \(goal) |")
            }
        }
    }

    static func cell(
        latencyMilliseconds: Int, processes: Int, count: Int, concurrency: Int, binDirectory: String, redisURL: String, redis: RedisClient
    ) async throws -> Double {
        let appID = "wxbench\(UInt32.random(in: 0...UInt32.max))"
        let clock = DeliveryClock()
        let fake = FakeWeChatAPI(
            apps: [appID: "bench-secret"], faults: FakeWeChatFaults(latency: .milliseconds(latencyMilliseconds)),
            onCall: { clock.record($0) })
        try await fake.start()
        // Pre-load the users' queues.
        let queue = InboundQueue(redis: redis, keys: QueueKeys(appID: appID))
        var batch: [QueuedMessage] = []
        for index in 0..<count {
            let fields = [
                XMLField("ToUserName", "gh_bench"), XMLField("FromUserName", "user\(index % 1000)"), XMLField("CreateTime", String(1_700_000_000 + index / 1000)),
                XMLField("MsgType", "text"), XMLField("Content", "bench \(index)"), XMLField("MsgId", String(index + 1)),
            ]
            let envelope = MessageEnvelope(appID: appID, receivedAtMilliseconds: 0, message: try InboundMessage(fields: fields))
            batch.append(QueuedMessage(envelope: envelope))
            if batch.count == 500 {
                _ = try await queue.enqueue(batch)
                batch.removeAll()
            }
        }
        if !batch.isEmpty { _ = try await queue.enqueue(batch) }

        var children: [Process] = []
        for _ in 0..<processes {
            let child = Process()
            child.executableURL = URL(fileURLWithPath: binDirectory).appendingPathComponent("worker")
            var variables = ProcessInfo.processInfo.environment
            variables.merge([
                "REDIS_URL": redisURL, "WECHAT_APPID": appID, "WECHAT_APPSECRET": "bench-secret", "WECHAT_API_BASE": fake.baseURL,
                "WORKER_CONCURRENCY": String(concurrency), "WORKER_METRICS_PORT": "off", "LOG_LEVEL": "warning",
            ]) { $1 }
            child.environment = variables
            try child.run()
            children.append(child)
        }
        try await clock.wait(for: count)
        for child in children {
            kill(child.processIdentifier, SIGTERM)
        }
        for child in children { child.waitUntilExit() }
        await fake.stop()
        guard let seconds = clock.seconds else { return 0 }
        return Double(clock.delivered - 1) / seconds
    }
}
