import Hummingbird
import Shared
import Tracing

/// The ingress's span of one push (``TraceNames/push``, a server span), reachable from the steps that learn
/// what it records: the controller sets the message's attributes once the push is parsed, and
/// `IngressMetrics.count(_:)` sets its outcome, so a span's outcome is the metric's label by construction.
/// Its context is what the envelope carries to the worker (``MessageEnvelope/trace``).
enum PushSpan {
    /// The push span of the request this task handles; nil outside one, and always when tracing is off.
    @TaskLocal static var current: (any Span)?

    /// Runs `receive` inside a push span for `account` when tracing is on; else just runs it.
    static func around(account: String, _ receive: () async -> Response) async -> Response {
        guard RelayTracing.isActive else { return await receive() }
        return await RelayTracing.withSpan(TraceNames.push, ofKind: .server) { span in
            span?.attributes[TraceNames.account] = account
            span?.attributes[TraceNames.httpMethod] = "POST"
            let response = await $current.withValue(span) { await receive() }
            span?.attributes[TraceNames.httpStatus] = Int(response.status.code)
            if response.status.code >= 500 { span?.setStatus(SpanStatus(code: .error)) }
            return response
        }
    }
}
