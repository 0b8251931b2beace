/// A Redis command as its argument vector, e.g. `["XADD", "s", "*", "f", "v"]`, plus what the client
/// must know to schedule it (whether it blocks the connection, and for how long).
public struct RedisCommand: Sendable, Hashable {
    /// The command name and its arguments, in wire order.
    public var arguments: [RedisArgument]

    public init(_ arguments: [RedisArgument]) { self.arguments = arguments }
    public init(_ arguments: RedisArgument...) { self.arguments = arguments }

    /// The command name in upper case (`XREADGROUP`).
    public var name: String {
        String(decoding: arguments.first?.bytes ?? [], as: UTF8.self).uppercased()
    }

    /// How long the server may hold this command before answering, for blocking commands; nil for every
    /// other command. `.some(nil)` means it may block forever (`BLOCK 0`, `BLPOP k 0`).
    ///
    /// Blocking commands run on a connection of their own so they never hold up the shared pool.
    public var blockingWindow: Duration?? {
        // Most commands are not blocking: decide from the first letter before looking at anything else.
        guard let first = arguments.first?.bytes.first, first | 0x20 == UInt8(ascii: "b") || first | 0x20 == UInt8(ascii: "x") else {
            return nil
        }
        switch name {
        case "XREAD", "XREADGROUP":
            let words = arguments.map { String(decoding: $0.bytes, as: UTF8.self) }
            guard let index = words.firstIndex(where: { $0.uppercased() == "BLOCK" }), index + 1 < words.count,
                let millis = Int64(words[index + 1])
            else { return nil }
            return .some(millis == 0 ? nil : .milliseconds(millis))
        case "BLPOP", "BRPOP", "BRPOPLPUSH", "BLMOVE", "BZPOPMIN", "BZPOPMAX":
            guard let seconds = arguments.last.flatMap({ Double(String(decoding: $0.bytes, as: UTF8.self)) }) else { return .some(nil) }
            return .some(seconds == 0 ? nil : .milliseconds(Int64(seconds * 1000)))
        case "BLMPOP", "BZMPOP":
            guard arguments.count > 1, let seconds = Double(String(decoding: arguments[1].bytes, as: UTF8.self)) else { return .some(nil) }
            return .some(seconds == 0 ? nil : .milliseconds(Int64(seconds * 1000)))
        default:
            return nil
        }
    }
}
