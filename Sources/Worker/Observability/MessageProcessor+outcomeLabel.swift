extension MessageProcessor.Outcome {
    /// The outcome as `wechat_worker_messages_total{outcome}` and the handling span's `wechat.outcome` spell it.
    var metricLabel: String {
        switch self {
        case .replied: "replied"
        case .retryScheduled: "retried"
        case .deadLettered: "dead_lettered"
        case .fenced: "fenced"
        case .leftPending: "left_pending"
        }
    }
}
