import HummingbirdCore

/// The query parameters of a push (`signature`, `timestamp`, `nonce`, `encrypt_type`, `msg_signature`),
/// read in one pass over the raw query (issue 17: Hummingbird's `queryParameters` builds and hashes a
/// dictionary of every parameter, then hashes each name looked up).
///
/// Reads them as `URI.queryParameters.get(_:)` does: parameters split at `&`, a name taken as sent up to
/// the first `=`, its value percent-decoded (kept as sent when that fails), the first occurrence of a
/// name winning; a parameter without `=` has the value "" (`PushQueryTests` checks the two agree).
struct PushQuery: Sendable, Equatable {
    var signature: String?
    var timestamp: String?
    var nonce: String?
    var encryptType: String?
    var messageSignature: String?

    init(_ uri: URI) {
        guard var query = uri.query else { return }
        query.withUTF8 { utf8 in
            var start = 0
            while start <= utf8.count {
                var end = start
                while end < utf8.count, utf8[end] != UInt8(ascii: "&") { end += 1 }
                if end > start { take(UnsafeBufferPointer(rebasing: utf8[start..<end])) }
                start = end + 1
            }
        }
    }

    private mutating func take(_ parameter: UnsafeBufferPointer<UInt8>) {
        let equals = parameter.firstIndex(of: UInt8(ascii: "="))
        let name = UnsafeBufferPointer(rebasing: parameter[..<(equals ?? parameter.count)])
        let raw = equals.map { UnsafeBufferPointer(rebasing: parameter[($0 + 1)...]) } ?? UnsafeBufferPointer(rebasing: parameter[parameter.count...])
        func value() -> String { raw.isEmpty ? "" : (Self.percentDecoded(raw) ?? String(decoding: raw, as: UTF8.self)) }
        if signature == nil, name.elementsEqual("signature".utf8) {
            signature = value()
        } else if timestamp == nil, name.elementsEqual("timestamp".utf8) {
            timestamp = value()
        } else if nonce == nil, name.elementsEqual("nonce".utf8) {
            nonce = value()
        } else if encryptType == nil, name.elementsEqual("encrypt_type".utf8) {
            encryptType = value()
        } else if messageSignature == nil, name.elementsEqual("msg_signature".utf8) {
            messageSignature = value()
        }
    }

    /// `%XX` decoded (invalid UTF-8 repaired); nil when a `%` is not followed by two hex digits.
    static func percentDecoded(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        guard bytes.contains(UInt8(ascii: "%")) else { return String(decoding: bytes, as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            guard bytes[index] == UInt8(ascii: "%") else {
                out.append(bytes[index])
                index += 1
                continue
            }
            guard index + 2 < bytes.count, let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2]) else { return nil }
            out.append(high << 4 | low)
            index += 3
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
