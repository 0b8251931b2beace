// ingress-bench: the helpers `make bench-ingress` (scripts/bench-ingress.sh) needs besides wrk.
//
//   ingress-bench trivial PORT
//       the baseline: a bare Hummingbird 2 server answering `success` to POST /wechat, nothing else
//       (on the ingress's executor: event loops unless RELAY_TASK_EXECUTOR=swift)
//   ingress-bench bare-body PORT
//       the same, reading the request's body first (as any handler of a push must)
//   ingress-bench bare-redis PORT REDIS_URL
//       the same, then one Redis round trip (`PING`) through the services' Redis client before it answers:
//       the floor of a server that waits for Redis before answering
//   ingress-bench bare-durable PORT REDIS_URL [STREAM]
//       the same, but the round trip stores the body (`RPUSH bench:durable <body>`, the append-only file on):
//       the floor of a server that makes a push durable before answering, and redis-server's floor per push;
//       with STREAM, `XADD STREAM * raw <body>` instead, for `bare-worker` to reply to (the bare pipeline of
//       `make bench-e2e`)
//   ingress-bench safe-requests COUNT APPID AES_KEY TOKEN TIMESTAMP > file
//       COUNT distinct safe-mode pushes (distinct MsgIds), one per line: `<query>\t<body>`, for wrk to replay

import Hummingbird
import Shared

#if canImport(Glibc)
import Glibc
#endif

@main
struct IngressBench {
    static func main() async throws {
        let arguments = CommandLine.arguments
        switch arguments.dropFirst().first {
        case "trivial" where arguments.count == 3:
            try await serveBare(port: arguments[2]) { _ in }
        case "bare-body" where arguments.count == 3:
            try await serveBare(port: arguments[2]) { request in _ = try await request.body.collect(upTo: 64 * 1024) }
        case "bare-redis" where arguments.count == 4:
            let redis = try redisClient(arguments[3])
            try await serveBare(port: arguments[2]) { request in
                _ = try await request.body.collect(upTo: 64 * 1024)
                try await redis.send("PING")
            }
        case "bare-durable" where arguments.count == 4 || arguments.count == 5:
            let redis = try redisClient(arguments[3])
            let stream = arguments.count == 5 ? RedisArgument(arguments[4]) : nil
            try await serveBare(port: arguments[2]) { request in
                let body = RedisArgument(bytes: Array(try await request.body.collect(upTo: 64 * 1024).readableBytesView))
                if let stream {
                    try await redis.send("XADD", stream, "*", "raw", body)
                } else {
                    try await redis.send("RPUSH", "bench:durable", body)
                }
            }
        case "safe-requests" where arguments.count == 7:
            let count = Int(arguments[2]) ?? 0
            let crypto = try WeChatMessageCrypto(appID: arguments[3], encodingAESKey: arguments[4])
            let token = arguments[5]
            let timestamp = arguments[6]
            let signature = WeChatSignature.urlSignature(token: token, timestamp: timestamp, nonce: "1")
            var output: [UInt8] = []
            for index in 0..<count {
                let inner = """
                    <xml><ToUserName><![CDATA[gh_bench]]></ToUserName><FromUserName><![CDATA[oBench\(index % 1000)]]></FromUserName>\
                    <CreateTime>1714036504</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[hello \(index) 👋]]></Content>\
                    <MsgId>\(9_000_000_000 + index)</MsgId></xml>
                    """
                let encrypt = try crypto.encrypt(Array(inner.utf8))
                let messageSignature = WeChatSignature.messageSignature(token: token, timestamp: timestamp, nonce: "1", encrypt: encrypt)
                output += Array("signature=\(signature)&timestamp=\(timestamp)&nonce=1&openid=oBench&encrypt_type=aes&msg_signature=\(messageSignature)\t".utf8)
                output += Array("<xml><ToUserName><![CDATA[gh_bench]]></ToUserName><Encrypt><![CDATA[\(encrypt)]]></Encrypt></xml>\n".utf8)
                if output.count > 1 << 20 {
                    writeOut(output)
                    output.removeAll(keepingCapacity: true)
                }
            }
            writeOut(output)
        default:
            print("usage: ingress-bench trivial|bare-body PORT | ingress-bench bare-redis|bare-durable PORT REDIS_URL [STREAM] | ingress-bench safe-requests COUNT APPID AES_KEY TOKEN TIMESTAMP")
            exit(2)
        }
    }
}

/// A bare Hummingbird 2 server on 127.0.0.1:`port` (on the ingress's executor: event loops unless
/// RELAY_TASK_EXECUTOR=swift, so the baselines differ from the ingress only in the handler) that runs
/// `work` for each POST /wechat and answers `success`.
func serveBare(port: String, work: @escaping @Sendable (Request) async throws -> Void) async throws {
    EventLoopTaskExecutor.installUnlessDisabled()
    let router = Router()
    router.post("/wechat") { request, _ -> String in
        try await work(request)
        return "success"
    }
    let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: Int(port) ?? 8099)))
    try await app.runService()
}

/// The services' Redis client for `url`, as the bare servers use it.
func redisClient(_ url: String) throws -> RedisClient {
    RedisClient(configuration: RedisClientConfiguration(url: try RedisURL(parsing: url)))
}

/// Writes bytes to standard output with write(2), which needs no shared C `FILE*`.
func writeOut(_ bytes: [UInt8]) {
    bytes.withUnsafeBytes { buffer in
        var offset = 0
        while offset < buffer.count {
            let written = write(1, buffer.baseAddress! + offset, buffer.count - offset)
            if written <= 0 { return }
            offset += written
        }
    }
}
