/// A Redis reply, copied out of hiredis's memory so it can cross threads and outlive the C reply object.
///
/// Error replies never appear here: ``RedisClient/send(_:)`` throws ``RedisError/server(_:)`` for them, and
/// ``RedisClient/pipeline(_:)`` returns them as `.failure` in their slot.
public enum RESPValue: Sendable, Hashable {
    /// A simple-string reply such as `OK` or `PONG`.
    case simpleString(String)
    /// A bulk-string reply; binary-safe.
    case bulkString([UInt8])
    /// An integer reply.
    case integer(Int64)
    /// The nil reply (a missing key, a `BLOCK` that timed out, `SET NX` that did not set).
    case null
    /// A multi-bulk reply.
    case array([RESPValue])
}

extension RESPValue {
    /// The reply as text: a simple or bulk string decoded as UTF-8, or an integer's digits; nil otherwise.
    public var string: String? {
        switch self {
        case .simpleString(let text): return text
        case .bulkString(let bytes): return String(decoding: bytes, as: UTF8.self)
        case .integer(let value): return String(value)
        case .null, .array: return nil
        }
    }

    /// The reply's raw bytes, for bulk and simple strings; nil otherwise.
    public var bytes: [UInt8]? {
        switch self {
        case .bulkString(let bytes): return bytes
        case .simpleString(let text): return Array(text.utf8)
        case .integer, .null, .array: return nil
        }
    }

    /// The reply as an integer: an integer reply, or a string reply holding decimal digits.
    public var integer: Int64? {
        switch self {
        case .integer(let value): return value
        case .bulkString, .simpleString: return string.flatMap { Int64($0) }
        case .null, .array: return nil
        }
    }

    /// The elements of an array reply; nil otherwise.
    public var array: [RESPValue]? {
        if case .array(let elements) = self { return elements }
        return nil
    }

    /// True for the nil reply.
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }
}
