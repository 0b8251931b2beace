import Foundation
import Hummingbird
import NIOCore
import ServiceLifecycle
import Shared
import Synchronization
import TestSupport
import Testing
import WeChatFake

@testable import Worker

/// The webhook handler against a small HTTP service started in the test (the team's own service).
@Suite struct WebhookTests {
    /// A user service: answers `{"messages":[…]}`, or HTTP 500 for the first `failures` calls.
    final class UserService: Sendable {
        let received = Mutex<[String]>([])
        let failuresLeft: Mutex<Int>
        let app: Mutex<LoopbackRouterApp?> = Mutex(nil)
        /// How long each answer takes.
        let delay: Duration

        init(failures: Int, delay: Duration = .zero) {
            failuresLeft = Mutex(failures)
            self.delay = delay
        }

        func start() async throws -> Int {
            let router = Router()
            router.post("/hook") { request, _ -> Response in
                let body = try await request.body.collect(upTo: 1 << 20)
                let text = String(buffer: body)
                self.received.withLock { $0.append(text) }
                if self.delay > .zero { try await Task.sleep(for: self.delay) }
                let fail = self.failuresLeft.withLock { left -> Bool in
                    defer { left = max(0, left - 1) }
                    return left > 0
                }
                if fail { return Response(status: .internalServerError) }
                let answer = #"{"messages":[{"msgtype":"text","text":{"content":"hook says hi"}},{"msgtype":"image","image":{"media_id":"HOOK_IMG"}}]}"#
                return Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(string: answer)))
            }
            let app = try await LoopbackRouterApp(router)
            self.app.withLock { $0 = app }
            return app.port
        }

        func stop() async {
            await app.withLock { $0 }?.stop()
        }
    }

    @Test func webhookRepliesAreSentAnd5xxIsRetried() async throws {
        let appID = WorkerHarness.uniqueAppID()
        let fake = FakeWeChatAPI(apps: [appID: WorkerHarness.secret])
        try await fake.start()
        let service = UserService(failures: 2)
        let port = try await service.start()
        let redis = try TestRedis.client()
        defer { redis.close() }
        let worker = RunningWorker(try WorkerHarness.components(appID: appID, fake: fake, extra: ["WORKER_WEBHOOK_URL": "http://127.0.0.1:\(port)/hook"]))
        try await WorkerHarness.enqueue([try WorkerHarness.text("to the hook", from: "hooked", appID: appID)], appID: appID, redis: redis)
        #expect(await WorkerHarness.eventually { fake.deliveredMessages.count >= 2 })
        await worker.stop()
        await service.stop()
        await fake.stop()
        #expect(fake.deliveredMessages.map(\.content) == [.text("hook says hi"), .image(mediaID: "HOOK_IMG")])
        #expect(fake.deliveredMessages.allSatisfy { $0.toUser == "hooked" })
        let calls = service.received.withLock { $0 }
        #expect(calls.count == 3)
        #expect(calls.last?.contains("\"Content\":\"to the hook\"") == true)
        #expect(calls.last?.contains("\"from\":\"hooked\"") == true)
    }

    /// Item 13 of issue 12: the URL may carry credentials (userinfo, a token in the query); neither may
    /// reach a dead letter's detail or the log.
    @Test func webhookCredentialsStayOutOfDeadLetters() async throws {
        let appID = WorkerHarness.uniqueAppID()
        let fake = FakeWeChatAPI(apps: [appID: WorkerHarness.secret])
        try await fake.start()
        let redis = try TestRedis.client()
        defer { redis.close() }
        let closedPort = try Loopback.freePort()
        let url = "http://hookuser:pw-s3cret@127.0.0.1:\(closedPort)/hook/path?api_key=key-s3cret"
        let worker = RunningWorker(try WorkerHarness.components(appID: appID, fake: fake, extra: ["WORKER_WEBHOOK_URL": url, "WORKER_MAX_ATTEMPTS": "1"]))
        try await WorkerHarness.enqueue([try WorkerHarness.text("to nowhere", from: "nohook", appID: appID)], appID: appID, redis: redis)
        let deadLetters = QueueKeys(appID: appID).deadLetters
        #expect(await WorkerHarness.eventually { (try? await redis.send("XLEN", RedisArgument(deadLetters)).integer) == 1 })
        await worker.stop()
        await fake.stop()
        let entries = try await redis.send("XRANGE", RedisArgument(deadLetters), "-", "+")
        func flatten(_ value: RESPValue) -> String { value.array.map { $0.map(flatten).joined(separator: " ") } ?? value.string ?? "" }
        let text = flatten(entries)
        #expect(text.contains("127.0.0.1"), "the detail still names the host: \(text)")
        #expect(!text.contains("s3cret"), "dead letter: \(text)")
        #expect(!text.contains("hookuser"))
        #expect(WebhookHandler.redacted("https://u:p@hooks.example.com:8443/a/b?token=t#frag") == "https://hooks.example.com:8443/a/b")
        #expect(WebhookHandler.redacted("http://hooks.example.com/x") == "http://hooks.example.com/x")
    }

    @Test func webhookAnswerFormats() throws {
        #expect(try WebhookHandler.messages(from: Array("{}".utf8), to: "u") == [])
        #expect(try WebhookHandler.messages(from: [], to: "u") == [])
        #expect(try WebhookHandler.messages(from: Array(#"[{"msgtype":"voice","voice":{"media_id":"V"}}]"#.utf8), to: "u") == [.voice(mediaID: "V")])
        #expect(throws: HandlerError.self) { try WebhookHandler.messages(from: Array("nonsense".utf8), to: "u") }
        #expect(throws: HandlerError.self) { try WebhookHandler.messages(from: Array(#"{"messages":[{"msgtype":"gif"}]}"#.utf8), to: "u") }
    }
}
