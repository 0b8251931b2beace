/// Why a queue entry could not be read as a ``MessageEnvelope``; ``deadLetterReason`` is the short
/// word a worker puts in the dead-letter entry.
public enum MessageEnvelopeError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The envelope names a version this build does not know (written by a newer ingress, or corrupt).
    case unsupportedVersion(Int)
    /// Not an envelope at all: not JSON, a field missing or of the wrong type, or a message without its
    /// common fields. The text says which.
    case malformed(String)

    /// `unsupported-version` or `malformed-envelope`.
    public var deadLetterReason: DeadLetterReason {
        switch self {
        case .unsupportedVersion: return .unsupportedVersion
        case .malformed: return .malformedEnvelope
        }
    }

    public var description: String {
        switch self {
        case .unsupportedVersion(let version): return "envelope version \(version) is not supported (this build reads \(MessageEnvelope.currentVersion))"
        case .malformed(let reason): return "malformed envelope: \(reason)"
        }
    }
}
