import Shared
import TestSupport
import Testing
import WeChatFake

extension SystemTests {
    /// Traces (issue 17): with `OTEL_EXPORTER_OTLP_ENDPOINT` set, one message's spans, exported by the real
    /// ingress and worker processes to a receiver in the test, form one trace across both processes.
    @Suite struct TracingSystemTests {
        static let openID = "oTraceUser0123456789abcdef"

        @Test func oneMessageIsOneTraceAcrossIngressAndWorker() async throws {
            let receiver = try await OTLPReceiver()
            defer { Task { await receiver.stop() } }
            // JSON export (the receiver reads it), flushed every 100 ms; no start-up token fetch, so the
            // message's handling is what asks WeChat for the token.
            let otel = ["OTEL_EXPORTER_OTLP_ENDPOINT": receiver.endpoint, "OTEL_EXPORTER_OTLP_PROTOCOL": "http/json", "OTEL_BSP_SCHEDULE_DELAY": "100"]
            let system = try await SystemFixture(worker: otel.merging(["WORKER_CALLBACK_IP_REFRESH": "off"]) { $1 }, ingress: otel)
            try await system.startWorkers(1)
            let message = SimulatedMessage(from: Self.openID, kind: .text("traced"))
            let answers = try await system.push([message])
            #expect(answers.map(\.status) == [200])
            await system.expectRepliedOnce([message])

            let sendName = TraceNames.apiPrefix + "/cgi-bin/message/custom/send"
            let arrived = await eventually(seconds: 30) {
                let names = Set(receiver.spans.map(\.name))
                return [TraceNames.push, TraceNames.enqueue, TraceNames.handle, TraceNames.token, sendName].allSatisfy(names.contains)
            }
            let spans = receiver.spans
            #expect(arrived, "spans received: \(spans)\nproblems: \(receiver.problems)\n\(system.logTail())")
            #expect(receiver.problems.isEmpty, "\(receiver.problems)")

            let push = try #require(spans.first { $0.name == TraceNames.push }, "\(spans)")
            let handle = try #require(spans.first { $0.name == TraceNames.handle }, "\(spans)")
            let send = try #require(spans.first { $0.name == sendName }, "\(spans)")
            let token = try #require(spans.first { $0.name == TraceNames.token }, "\(spans)")
            let enqueue = try #require(spans.first { $0.name == TraceNames.enqueue }, "\(spans)")

            // One trace across both processes, parent to child: push → handle → token, customer-service call.
            #expect(push.service == "wechat-relay-ingress" && enqueue.service == "wechat-relay-ingress")
            #expect(handle.service == "wechat-relay-worker" && send.service == "wechat-relay-worker" && token.service == "wechat-relay-worker")
            #expect(Set(spans.map(\.traceID)) == [push.traceID], "more than one trace: \(spans)")
            #expect(push.parentSpanID.isEmpty)
            #expect(enqueue.parentSpanID == push.spanID)
            #expect(handle.parentSpanID == push.spanID)
            #expect(send.parentSpanID == handle.spanID)
            #expect(token.parentSpanID == handle.spanID)
            let tokenFetch = spans.first { $0.name == TraceNames.apiPrefix + "/cgi-bin/stable_token" }
            #expect(tokenFetch?.parentSpanID == token.spanID, "\(spans)")
            // Kinds (OTLP numbers): server 2, client 3, consumer 5.
            #expect(push.kind == 2 && handle.kind == 5 && send.kind == 3)

            // The attributes say the same as the metrics, and name the user only masked.
            let masked = DedupKey.maskOpenID(Self.openID)
            let dedupKey = DedupKey(try InboundMessage(xml: Array(message.xml.utf8))).masked
            #expect(push.attributes[TraceNames.outcome] == "queued")
            #expect(try await system.ingressCount("queued") == 1)
            #expect(push.attributes[TraceNames.openID] == masked && handle.attributes[TraceNames.openID] == masked)
            #expect(push.attributes[TraceNames.dedupKey] == dedupKey && handle.attributes[TraceNames.dedupKey] == dedupKey)
            #expect(dedupKey.contains(masked) && !dedupKey.contains(Self.openID))
            #expect(push.attributes[TraceNames.msgType] == "text" && push.attributes[TraceNames.account] != nil)
            #expect(handle.attributes[TraceNames.outcome] == "replied" && handle.attributes[TraceNames.attempt] == "1")
            #expect(handle.attributes[TraceNames.handler] != nil)
            #expect(token.attributes[TraceNames.tokenSource] == "wechat")
            #expect(send.attributes[TraceNames.errcode] == "0" && send.attributes[TraceNames.httpStatus] == "200")
            #expect(push.attributes[TraceNames.httpStatus] == "200")
            for span in spans {
                for (key, value) in span.attributes {
                    #expect(!value.contains(Self.openID), "\(span.name) \(key) holds the whole openid")
                    #expect(!value.contains("traced"), "\(span.name) \(key) holds the message's text")
                    #expect(!value.contains(SystemFixture.secret) && !value.contains("FAKE_"), "\(span.name) \(key) holds a secret or token")
                }
            }
        }
    }
}
