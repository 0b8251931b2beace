import Crypto

/// The two SHA-1 signatures WeChat puts in the query string of every push.
///
/// - `signature` (URL verification on GET, and on every POST): lowercase hex SHA-1 of the
///   lexicographically sorted, concatenated `[token, timestamp, nonce]`.
/// - `msg_signature` (safe and compatible mode): the same over `[token, timestamp, nonce, Encrypt]`,
///   where `Encrypt` is the exact text of the body's `<Encrypt>` element. Check it **before** decrypting.
///
/// Checks compare in constant time. Freshness of the timestamp is a separate check,
/// ``isFresh(timestamp:nowSeconds:window:)``.
public enum WeChatSignature {
    /// Lowercase hex SHA-1 of the sorted, concatenated `parts` (plain byte-wise string sort, not numeric).
    public static func sign(_ parts: [String]) -> String {
        // Sorting by UTF-8 bytes is what every SDK does (Python/Java/Go string sort on ASCII input). The
        // parts are hashed in place: no copy of the (up to 1 MiB) `Encrypt` text.
        var sorted = parts
        sorted.sort { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        var hasher = Insecure.SHA1()
        for index in sorted.indices {
            sorted[index].withUTF8 { hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) }
        }
        return hex(hasher.finalize())
    }

    /// The `signature` of the URL check and of every POST.
    public static func urlSignature(token: String, timestamp: String, nonce: String) -> String {
        sign([token, timestamp, nonce])
    }

    /// The `msg_signature` of a safe-mode push or of an encrypted passive reply.
    public static func messageSignature(token: String, timestamp: String, nonce: String, encrypt: String) -> String {
        sign([token, timestamp, nonce, encrypt])
    }

    /// Constant-time check of a `signature` query parameter.
    public static func isValid(signature: String, token: String, timestamp: String, nonce: String) -> Bool {
        ConstantTime.equals(signature.utf8, urlSignature(token: token, timestamp: timestamp, nonce: nonce).utf8)
    }

    /// Constant-time check of a `msg_signature` query parameter against the body's `<Encrypt>` text.
    public static func isValidMessageSignature(
        _ msgSignature: String, token: String, timestamp: String, nonce: String, encrypt: String
    ) -> Bool {
        let expected = messageSignature(token: token, timestamp: timestamp, nonce: nonce, encrypt: encrypt)
        return ConstantTime.equals(msgSignature.utf8, expected.utf8)
    }

    /// Lower-case hex of a digest (or any bytes).
    public static func hex(_ digest: some Sequence<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(digest.underestimatedCount * 2)
        for byte in digest {
            out.append(hexDigit(byte >> 4))
            out.append(hexDigit(byte & 0x0F))
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The lower-case hex digit of a value 0...15.
    static func hexDigit(_ value: UInt8) -> UInt8 {
        value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "a") + value - 10
    }
}
