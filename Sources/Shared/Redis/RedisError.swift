/// Everything that can go wrong talking to Redis, with a message fit for one log line.
///
/// No case ever carries a password: ``RedisURL`` keeps it out of descriptions.
public enum RedisError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Redis could not be reached, or the connection broke (refused, reset, closed, DNS). The connection
    /// was dropped; the client re-connects with backoff on a later call.
    case connection(String)
    /// Connecting or waiting for a reply took longer than the configured timeout. The connection was
    /// dropped, since a late reply would otherwise be taken for the next command's.
    case timeout(String)
    /// Redis answered with an error reply; the message is the server's, e.g. `NOSCRIPT No matching script`.
    case server(String)
    /// A `REDIS_URL` that cannot be used; the message names what is wrong.
    case invalidURL(String)
    /// A reply of a shape the caller did not expect.
    case unexpectedReply(String)
    /// The client was closed (shutdown) before or while the command ran.
    case closed

    public var description: String {
        switch self {
        case .connection(let message): return "redis connection error: \(message)"
        case .timeout(let message): return "redis timeout: \(message)"
        case .server(let message): return "redis error reply: \(message)"
        case .invalidURL(let message): return "invalid REDIS_URL: \(message)"
        case .unexpectedReply(let message): return "unexpected redis reply: \(message)"
        case .closed: return "redis client is closed"
        }
    }

    /// The first word of a server error (`NOSCRIPT`, `BUSYGROUP`, `WRONGTYPE`, ...), or nil.
    public var serverErrorCode: String? {
        guard case .server(let message) = self else { return nil }
        return message.split(separator: " ", maxSplits: 1).first.map(String.init)
    }

    /// True when the error means Redis itself could not be used (as opposed to a command it refused).
    public var isConnectivity: Bool {
        switch self {
        case .connection, .timeout, .closed: return true
        case .server, .invalidURL, .unexpectedReply: return false
        }
    }
}
