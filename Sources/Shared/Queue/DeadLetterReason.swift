/// Why a message went to the dead-letter stream: the `reason` field of a dead letter, what
/// `worker dead-letters list` and `worker trace` show, and the worker's log line.
public enum DeadLetterReason: String, Sendable, Hashable, CaseIterable {
    /// The handler said the message can never be handled (``HandlerError.permanent``).
    case handlerPermanent = "handler-permanent"
    /// The handler kept failing until the retry budget ran out (the detail says how).
    case handlerFailed = "handler-failed"
    /// A transient failure outlived `WORKER_RETRY_FOR` or `WORKER_MAX_ATTEMPTS`.
    case attemptsExhausted = "attempts-exhausted"
    /// The envelope was written by a newer ingress (or is corrupt).
    case unsupportedVersion = "unsupported-version"
    /// The queue entry is not an envelope.
    case malformedEnvelope = "malformed-envelope"
    /// The message's lease expired `WORKER_MAX_DELIVERIES` times: it kills or hangs its worker (written
    /// by the reaper's script).
    case tooManyDeliveries = "too-many-deliveries"
    /// WeChat answered a permanent errcode (the dead letter's `errcode` says which).
    case errcode
    /// WeChat's API answered a permanent HTTP status.
    case httpStatus = "http-status"
    /// The request did not reach WeChat, or no answer came back.
    case transport
    /// WeChat's answer could not be read.
    case invalidResponse = "invalid-response"
    /// No access_token could be had (a wrong secret, an IP not whitelisted).
    case tokenUnavailable = "token-unavailable"
}
