import Tracing

/// A W3C trace context (`traceparent`, and `tracestate` when the tracer keeps one) as the queue carries it
/// from the ingress's push span to the worker (``MessageEnvelope/trace``), so one message's spans form
/// one trace across both processes, and the worker keeps the ingress's sampling decision.
public struct TraceParent: Sendable, Hashable {
    /// `00-<trace id>-<parent span id>-<flags>`.
    public var traceparent: String
    public var tracestate: String?

    public init(traceparent: String, tracestate: String? = nil) {
        self.traceparent = traceparent
        self.tracestate = tracestate
    }

    /// The task's current span context, as the tracer writes it; nil when tracing is off or there is none.
    public static var current: TraceParent? {
        guard RelayTracing.isActive, let context = ServiceContext.current else { return nil }
        var headers = Headers()
        InstrumentationSystem.instrument.inject(context, into: &headers, using: HeadersInjector())
        return headers.traceparent.map { TraceParent(traceparent: $0, tracestate: headers.tracestate) }
    }

    /// The context to start a child span in: the remote parent this trace context names.
    public var context: ServiceContext {
        var context = ServiceContext.topLevel
        InstrumentationSystem.instrument.extract(Headers(traceparent: traceparent, tracestate: tracestate), into: &context, using: HeadersExtractor())
        return context
    }

    /// The two header values a W3C propagator reads and writes.
    struct Headers: Sendable {
        var traceparent: String?
        var tracestate: String?
    }

    struct HeadersInjector: Injector {
        func inject(_ value: String, forKey key: String, into carrier: inout Headers) {
            switch key.lowercased() {
            case "traceparent": carrier.traceparent = value
            case "tracestate": carrier.tracestate = value.isEmpty ? nil : value
            default: break
            }
        }
    }

    struct HeadersExtractor: Extractor {
        func extract(key: String, from carrier: Headers) -> String? {
            switch key.lowercased() {
            case "traceparent": carrier.traceparent
            case "tracestate": carrier.tracestate
            default: nil
            }
        }
    }
}
