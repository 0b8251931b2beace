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
        // Sorting by UTF-8 bytes is what every SDK does (Python/Java/Go string sort on ASCII input).
        let sorted = parts.map { Array($0.utf8) }.sorted { $0.lexicographicallyPrecedes($1) }
        var hasher = Insecure.SHA1()
        for part in sorted { hasher.update(data: part) }
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
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(40)
        for byte in digest {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
