/// How a ``MessageHandler`` reports a failure: retry later, or give up (dead letter).
enum HandlerError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Transient (a webhook timed out, answered 5xx): retried with backoff, a bounded number of times.
    case retryLater(String)
    /// A retry cannot help (the webhook answered 4xx or nonsense): dead-lettered.
    case permanent(String)

    var description: String {
        switch self {
        case .retryLater(let reason): return "transient handler failure: \(reason)"
        case .permanent(let reason): return "permanent handler failure: \(reason)"
        }
    }
}
