import Testing

@testable import Shared

/// The push span's W3C trace context rides in the envelope (`tp`, `ts`) to the worker, through the spool
/// too; with traces off (nothing bootstrapped in this process) an envelope carries no trace key at all.
@Suite struct EnvelopeTraceContextTests {
    static let traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"

    func message() throws -> InboundMessage { try InboundMessage(xml: Array(WeChatFixtures.text.utf8)) }

    @Test func envelopeRoundTripsTraceparentAndTracestate() throws {
        let trace = TraceParent(traceparent: Self.traceparent, tracestate: "vendor=abc,other=1")
        let envelope = MessageEnvelope(appID: "wx1", receivedAtMilliseconds: 7, message: try message(), attempt: 1, trace: trace)
        let json = String(decoding: envelope.encoded(), as: UTF8.self)
        #expect(json.contains(#""tp":"\#(Self.traceparent)","ts":"vendor=abc,other=1""#))
        let decoded = try MessageEnvelope(decoding: envelope.encoded())
        #expect(decoded.trace == trace)
        #expect(decoded == envelope)
    }

    @Test func traceparentAloneWritesNoTracestate() throws {
        let envelope = MessageEnvelope(appID: "wx1", receivedAtMilliseconds: 7, message: try message(), trace: TraceParent(traceparent: Self.traceparent))
        let json = String(decoding: envelope.encoded(), as: UTF8.self)
        #expect(json.contains(#""tp":"#) && !json.contains(#""ts":"#))
        #expect(try MessageEnvelope(decoding: envelope.encoded()).trace == TraceParent(traceparent: Self.traceparent))
    }

    @Test func withoutTracingNoTraceKeyIsWritten() throws {
        #expect(!RelayTracing.isActive)
        #expect(TraceParent.current == nil)
        // As the ingress builds it: the current trace context, which is none.
        let envelope = MessageEnvelope(appID: "wx1", receivedAtMilliseconds: 7, message: try message(), trace: TraceParent.current)
        let json = String(decoding: envelope.encoded(), as: UTF8.self)
        #expect(!json.contains(#""tp""#) && !json.contains(#""ts""#))
        #expect(try MessageEnvelope(decoding: envelope.encoded()).trace == nil)
    }

    @Test func envelopeWrittenBeforeTracesStillDecodes() throws {
        let body = #"{"v":1,"app":"wx","at":1,"key":"k","n":0,"msg":{"f":[["ToUserName","gh"],["FromUserName","o1"],["CreateTime","1"],["MsgType","text"]]}}"#
        let envelope = try MessageEnvelope(decoding: Array(body.utf8))
        #expect(envelope.trace == nil)
        #expect(envelope.dedupKey == "k")
    }

    @Test func spooledRecordKeepsTheTraceContext() throws {
        let trace = TraceParent(traceparent: Self.traceparent, tracestate: "k=v")
        let queued = QueuedMessage(envelope: MessageEnvelope(appID: "wx1", receivedAtMilliseconds: 7, message: try message(), trace: trace))
        let replayed = try #require(QueuedMessage(spoolRecord: queued.spoolRecord))
        #expect(try MessageEnvelope(decoding: replayed.body).trace == trace)
    }
}
