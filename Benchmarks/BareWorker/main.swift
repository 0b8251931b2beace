import AsyncHTTPClient
import Logging
import Shared

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `bare-worker REDIS_URL API_BASE APPID SECRET STREAM COUNT [CONCURRENCY]`: the baseline a worker is
/// measured against (issue 17). The least a reply can cost with the worker's own libraries (our hiredis
/// ``RedisClient``, ``WeChatAPIClient`` over AsyncHTTPClient, ``MessageEnvelope``): read up to CONCURRENCY
/// entries from a stream with one `XREADGROUP`, decode each envelope, POST each reply to
/// `/cgi-bin/message/custom/send` concurrently with one access_token fetched at start, then `XACK` the
/// batch in one command. No per-user order, no leases, no sent markers, no retries, no reply allowance:
/// everything the worker adds is what the comparison prices. Waits for SIGTERM after COUNT replies.
/// An entry with a `raw` field instead of `body` (a push as `ingress-bench bare-durable` stored it, unparsed:
/// the bare pipeline of `make bench-e2e`) is answered to one fixed user, so that pipeline parses nothing.
@main
struct BareWorker {
    static func main() async throws {
        let arguments = CommandLine.arguments
        guard arguments.count >= 7, let count = Int(arguments[6]) else {
            print("usage: bare-worker REDIS_URL API_BASE APPID SECRET STREAM COUNT [CONCURRENCY]")
            return
        }
        // The same executor as the worker's (RELAY_TASK_EXECUTOR), so the comparison prices only what the worker does.
        EventLoopTaskExecutor.installUnlessDisabled()
        let concurrency = arguments.count > 7 ? Int(arguments[7]) ?? 64 : 64
        let stream = arguments[5]
        let redis = RedisClient(configuration: RedisClientConfiguration(url: try RedisURL(parsing: arguments[1])), logger: Logger(label: "bare"))
        let httpClient = WeChatAPIClient.makeHTTPClient(concurrency: concurrency)
        let api = WeChatAPIClient(baseURL: arguments[2], httpClient: httpClient)
        let token = try await api.fetchToken(kind: .stable, appID: arguments[3], secret: arguments[4]).value
        _ = try? await redis.send("XGROUP", "CREATE", RedisArgument(stream), "bare", "0", "MKSTREAM")

        var replied = 0
        var failed = 0
        while replied + failed < count {
            let reply = try await redis.send(
                "XREADGROUP", "GROUP", "bare", "bare-1", "COUNT", RedisArgument(concurrency), "BLOCK", "1000", "STREAMS", RedisArgument(stream), ">")
            let entries = try StreamEntry.fromRead(reply)
            guard !entries.isEmpty else { continue }
            let outcomes = await withTaskGroup(of: Bool.self) { group in
                for entry in entries {
                    group.addTask {
                        let message: CustomerServiceMessage
                        if entry.fields["raw"] != nil {
                            message = CustomerServiceMessage(toUser: "oBarePipeline", content: .text("bare \(entry.id)"))
                        } else {
                            guard let body = entry.fields["body"], let envelope = try? MessageEnvelope(decoding: body) else { return false }
                            message = CustomerServiceMessage(toUser: envelope.message.fromUserName, content: .text("bare \(envelope.dedupKey.prefix(8))"))
                        }
                        do {
                            try await api.post(path: "/cgi-bin/message/custom/send", accessToken: token, body: message.jsonBody())
                            return true
                        } catch {
                            return false
                        }
                    }
                }
                var results: [Bool] = []
                for await result in group { results.append(result) }
                return results
            }
            replied += outcomes.filter { $0 }.count
            failed += outcomes.filter { !$0 }.count
            try await redis.send(RedisCommand([RedisArgument("XACK"), RedisArgument(stream), RedisArgument("bare")] + entries.map { RedisArgument($0.id) }))
        }
        redis.close()
        try await httpClient.shutdown()
        // Stays until SIGTERM, so worker-bench reads this process's /proc counters as it reads a worker's.
        print("bare-worker: \(replied) replied, \(failed) failed")
        try await Task.sleep(for: .seconds(3600))
    }
}
