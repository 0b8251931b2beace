import Shared
import Tracing

/// The worker's span of one delivery attempt of one message (``TraceNames/handle``, a consumer span): a
/// child of the ingress's push span named by the envelope (``MessageEnvelope/trace``), so the sampling
/// decision is the ingress's and both processes' spans form one trace. The token and WeChat API spans of
/// the attempt are its children. Its outcome is the label `wechat_worker_messages_total` counts it under.
enum HandleSpan {
    /// Runs `run` inside a handling span when traces are on; else just runs it.
    static func around(
        _ decoded: Result<MessageEnvelope, MessageEnvelopeError>, account: String, handler: any MessageHandler, _ run: () async -> MessageProcessor.Step
    ) async -> MessageProcessor.Step {
        guard RelayTracing.isActive else { return await run() }
        let envelope = try? decoded.get()
        return await RelayTracing.withSpan(TraceNames.handle, ofKind: .consumer, context: envelope?.trace?.context ?? .topLevel) { span in
            if let envelope {
                span?.setMessageAttributes(envelope.message, dedupKey: envelope.dedupKey, account: account)
                span?.attributes[TraceNames.attempt] = envelope.attempt + 1
                span?.attributes[TraceNames.replyPath] = envelope.replyPath.rawValue
            } else {
                span?.attributes[TraceNames.account] = account
            }
            span?.attributes[TraceNames.handler] = String(describing: type(of: handler))
            let step = await run()
            span?.attributes[TraceNames.outcome] = step.outcome.metricLabel
            switch step.outcome {
            case .replied(let sent):
                span?.attributes[TraceNames.repliesSent] = sent
            case .deadLettered(let reason):
                span?.attributes[TraceNames.deadLetterReason] = reason.rawValue
                span?.setStatus(SpanStatus(code: .error, message: "dead-lettered: \(reason.rawValue)"))
            case .retryScheduled:
                span?.setStatus(SpanStatus(code: .error, message: "retry scheduled"))
            case .fenced, .leftPending:
                break
            }
            return step
        }
    }
}
