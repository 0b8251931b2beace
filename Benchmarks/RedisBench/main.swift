// redis-bench: XADD throughput through RedisClient, for `make bench-redis` (scripts/bench-redis.sh), which
// runs redis-benchmark on the same server in the same run and prints both side by side.
//
// Each line printed is `<mode> <callers> <commands per second>`; the modes:
//   single     every caller waits for its reply before sending the next; one connection per caller and
//              no auto-pipelining, i.e. one round trip per command (redis-benchmark -P 1)
//   auto       the default client (4 connections, auto-pipelining): concurrent callers share round trips
//   pipeline16 each caller sends 16 XADDs per `pipeline` call on the default client (redis-benchmark -P 16)
// The client's I/O design follows RELAY_REDIS_IO (event-loops unless `threads`), as every client does.

import Shared

#if canImport(Glibc)
import Glibc
#endif

@main
struct RedisBench {
    static func main() async throws {
        let arguments = CommandLine.arguments
        guard arguments.count >= 3, let requests = Int(arguments[2]) else {
            print("usage: redis-bench REDIS_URL REQUESTS [CALLERS...]")
            exit(2)
        }
        // The services' executor (RELAY_TASK_EXECUTOR: event loops unless `swift`), so the client runs as it does there.
        EventLoopTaskExecutor.installUnlessDisabled()
        let url = try RedisURL(parsing: arguments[1])
        let callerCounts = arguments.count > 3 ? arguments[3...].compactMap { Int($0) } : [1, 16, 64]
        let body = RedisArgument(String(repeating: "x", count: 250))
        for callers in callerCounts {
            for mode in ["single", "auto", "pipeline16"] {
                var configuration = RedisClientConfiguration(url: url)
                if mode == "single" {
                    configuration.poolSize = callers
                    configuration.autoPipelining = false
                }
                let redis = RedisClient(configuration: configuration)
                let stream = RedisArgument("bench:stream:\(mode):\(callers)")
                let xadd = RedisCommand("XADD", stream, "MAXLEN", "~", "1000000", "*", "body", body)
                let batch = mode == "pipeline16" ? 16 : 1
                // Warm up every connection, then measure.
                try await run(redis: redis, command: xadd, callers: callers, total: min(requests / 10, 5_000), batch: batch)
                let start = ContinuousClock.now
                try await run(redis: redis, command: xadd, callers: callers, total: requests, batch: batch)
                let elapsed = ContinuousClock.now - start
                let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
                try await redis.send("DEL", stream)
                redis.close()
                print("\(mode) \(callers) \(Int(Double(requests) / seconds))")
            }
        }
    }

    /// `callers` tasks send `total` XADDs between them, `batch` per round trip.
    static func run(redis: RedisClient, command: RedisCommand, callers: Int, total: Int, batch: Int) async throws {
        let perCaller = max(1, total / callers / batch)
        let commands = Array(repeating: command, count: batch)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<callers {
                group.addTask {
                    for _ in 0..<perCaller {
                        if batch == 1 {
                            try await redis.send(command)
                        } else {
                            for result in try await redis.pipeline(commands) { _ = try result.get() }
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
    }
}
