import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import NIOCore
import Shared
import Synchronization
import TestSupport
import Testing
import WeChatFake

/// The reply-window allowance across real worker processes: one user, four workers, a restart in the
/// middle; WeChat's receipts come back through the ingress.
@Suite struct ReachSystemTests {
    static let template = "TPL_REPLY"

    /// The team's webhook: answers every message with one text falling back to the template, and
    /// nothing to receipts; keeps what it received.
    final class Webhook: Sendable {
        let received = Mutex<[String]>([])

        /// Its one route, `POST /hook`.
        func router() -> Router<BasicRequestContext> {
            let router = Router()
            router.post("/hook") { request, _ -> Response in
                let text = String(buffer: try await request.body.collect(upTo: 1 << 20))
                self.received.withLock { $0.append(text) }
                let answer =
                    text.contains("TEMPLATESENDJOBFINISH")
                    ? "{}"
                    : #"{"messages":[{"msgtype":"text","text":{"content":"noted"}}],"fallback":{"template":{"id":"\#(ReachSystemTests.template)","data":{"thing1":"{{reply}}"}}}}"#
                return Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(string: answer)))
            }
            return router
        }
    }

    @Test func fourWorkersOneUserTenRepliesExactlyFiveCustomerServiceMessagesThenTemplates() async throws {
        let webhook = Webhook()
        let hook = try await LoopbackRouterApp(webhook.router())
        let fixture = try await SystemFixture(worker: ["WORKER_WEBHOOK_URL": "http://127.0.0.1:\(hook.port)/hook"])
        fixture.fake.addTemplate(Self.template, keywords: ["thing1"])
        fixture.fake.pushReceipts(with: try fixture.pusher())
        let user = "o-reach-user"
        // The user writes once; then the phone reports its location (which opens no window), 9 times.
        let start = WallClock.seconds() - 60
        let messages =
            [SimulatedMessage(from: user, kind: .text("where am I?"), createTime: start)]
            + (1...9).map { SimulatedMessage(from: user, kind: .event("LOCATION", key: nil), createTime: start + Int64($0)) }
        func push(_ batch: ArraySlice<SimulatedMessage>) async throws {
            for message in batch {
                fixture.fake.observe(message)
                #expect(try await fixture.push([message], parallel: 1).allSatisfy(\.isAccepted))
            }
        }
        func customerServiceCalls() -> [FakeWeChatCall] {
            fixture.fake.calls.filter { $0.path == FakeWeChatAPI.sendPath && $0.message?.toUser == user }
        }

        var workers = try await fixture.startWorkers(4)
        try await push(messages[0..<4])
        #expect(await eventually(seconds: 60) { customerServiceCalls().count == 4 }, "\(fixture.logTail())")
        // Every worker stops; four new ones go on from what Redis remembers.
        for worker in workers { await fixture.stop(worker, signal: SIGTERM) }
        workers = try await fixture.startWorkers(4)
        try await push(messages[4...])
        #expect(await eventually(seconds: 60) { fixture.fake.deliveredTemplates.count == 5 }, "\(fixture.logTail())")
        // The receipts come back through the ingress and are recorded against their messages.
        let status = { try await ExecutableRun.run("worker", ["status"], environment: ["REDIS_URL": "redis://127.0.0.1:\(fixture.redisServer.port)/0", "WECHAT_APPID": SystemFixture.appID]) }
        var report = ""
        #expect(
            await eventually(seconds: 60) {
                report = (try? await status().output) ?? ""
                return report.contains("5 sent, 0 awaiting a receipt; receipts: success 5")
            }, "\(report)\n\(fixture.logTail())")
        #expect(await eventually(seconds: 30) { (try? await fixture.isSettled()) ?? false })
        await hook.stop()

        // Exactly five customer-service calls, all taken: the sixth to tenth replies never tried one.
        #expect(customerServiceCalls().map(\.errcode) == [0, 0, 0, 0, 0])
        #expect(fixture.fake.deliveredTemplates.count == 5)
        #expect(Set(fixture.fake.deliveredTemplates.compactMap(\.clientMessageID)).count == 5)
        #expect(try await fixture.deadLetters().isEmpty)
        // The webhook saw each receipt with the message its template replied to.
        let receipts = webhook.received.withLock { $0 }.filter { $0.contains("TEMPLATESENDJOBFINISH") }
        #expect(receipts.count == 5)
        #expect(receipts.allSatisfy { $0.contains(#""dedup_key":"e:"#) || $0.contains(#""dedup_key":"m:"#) })
    }
}
