/// Where Redis is and how to log in: the parsed form of `REDIS_URL`,
/// `redis://[[user]:password@]host[:port][/db]`.
///
/// The password is percent-decoded and never shown: ``description`` masks it, so the value can be logged.
public struct RedisURL: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int
    /// The ACL user name for `AUTH user password`; nil means the `default` user (`AUTH password`).
    public var user: String?
    public var password: String?
    /// The logical database chosen with `SELECT` after connecting.
    public var database: Int

    public init(host: String = "127.0.0.1", port: Int = 6379, user: String? = nil, password: String? = nil, database: Int = 0) {
        self.host = host
        self.port = port
        self.user = user
        self.password = password
        self.database = database
    }

    /// Parses a `redis://` URL; every way it can be wrong is a ``RedisError/invalidURL(_:)`` naming the part.
    public init(parsing text: String) throws(RedisError) {
        let parts = text.split(separator: "://", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2 else {
            throw .invalidURL("expected redis://[[user]:password@]host[:port][/db]")
        }
        let scheme = parts[0].lowercased()
        if scheme == "rediss" {
            throw .invalidURL("rediss:// (TLS) is not supported by hiredis 0.14; reach Redis over a TLS tunnel instead")
        }
        guard scheme == "redis" else { throw .invalidURL("unsupported scheme '\(scheme)', expected redis://") }

        var rest = parts[1]
        if rest.contains("?") || rest.contains("#") { throw .invalidURL("query strings and fragments are not supported") }

        var user: String?
        var password: String?
        if let at = rest.lastIndex(of: "@") {
            let credentials = rest[..<at]
            rest = rest[rest.index(after: at)...]
            if let colon = credentials.firstIndex(of: ":") {
                let name = try Self.percentDecoded(credentials[..<colon], part: "user")
                user = name.isEmpty ? nil : name
                password = try Self.percentDecoded(credentials[credentials.index(after: colon)...], part: "password")
            } else {
                // redis://secret@host is the common short form for a password alone.
                password = try Self.percentDecoded(credentials, part: "password")
            }
            if password?.isEmpty == true { password = nil }
        }

        var database = 0
        if let slash = rest.firstIndex(of: "/") {
            let path = rest[rest.index(after: slash)...]
            rest = rest[..<slash]
            if !path.isEmpty {
                guard let number = Int(path), number >= 0, number <= 15_999 else {
                    throw .invalidURL("database '\(path)' is not a number")
                }
                database = number
            }
        }

        var host: Substring
        var portText: Substring?
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { throw .invalidURL("unclosed '[' in an IPv6 host") }
            host = rest[rest.index(after: rest.startIndex)..<close]
            let after = rest[rest.index(after: close)...]
            if after.hasPrefix(":") {
                portText = after.dropFirst()
            } else if !after.isEmpty {
                throw .invalidURL("unexpected text after the IPv6 host")
            }
        } else if let colon = rest.firstIndex(of: ":") {
            host = rest[..<colon]
            portText = rest[rest.index(after: colon)...]
        } else {
            host = rest
        }
        guard !host.isEmpty else { throw .invalidURL("the host is missing") }
        guard host.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == ":" || $0 == "_" }) else {
            throw .invalidURL("the host '\(host)' has characters a host name cannot have")
        }
        var port = 6379
        if let portText {
            guard let number = Int(portText), (1...65_535).contains(number) else {
                throw .invalidURL("port '\(portText)' is not a number from 1 to 65535")
            }
            port = number
        }
        self.init(host: String(host), port: port, user: user, password: password, database: database)
    }

    public var description: String {
        var credentials = ""
        if user != nil || password != nil {
            credentials = "\(user ?? ""):\(password == nil ? "" : "***")@"
        }
        let shownHost = host.contains(":") ? "[\(host)]" : host
        return "redis://\(credentials)\(shownHost):\(port)/\(database)"
    }

    private static func percentDecoded(_ text: Substring, part: String) throws(RedisError) -> String {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8).makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(Self.hexValue), let low = iterator.next().flatMap(Self.hexValue) else {
                throw .invalidURL("bad percent-escape in the \(part)")
            }
            bytes.append(high << 4 | low)
        }
        guard let decoded = String(validating: bytes, as: UTF8.self) else {
            throw .invalidURL("the \(part) is not valid UTF-8 after percent-decoding")
        }
        return decoded
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
