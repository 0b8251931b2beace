import Crypto
import _CryptoExtras

/// The 32-byte AES key behind a WeChat EncodingAESKey (the 43-character value from the console).
///
/// `AESKey = base64decode(EncodingAESKey + "=")`; the IV is the key's first 16 bytes. Both are built
/// once, here, not per message.
public struct EncodingAESKey: Sendable, Hashable {
    /// The 32 key bytes.
    public let bytes: [UInt8]
    /// The key as swift-crypto takes it.
    let symmetricKey: SymmetricKey
    /// The CBC initialisation vector as swift-crypto takes it.
    let cbcIV: AES._CBC.IV

    /// Decodes a 43-character EncodingAESKey; anything else is ``MessageCryptoError/invalidAESKey``.
    public init(_ encoded: String) throws(MessageCryptoError) {
        guard encoded.utf8.count == 43, let bytes = Base64.decode(encoded + "="), bytes.count == 32 else {
            throw .invalidAESKey
        }
        self.bytes = bytes
        symmetricKey = SymmetricKey(data: bytes)
        do {
            cbcIV = try AES._CBC.IV(ivBytes: bytes.prefix(16))
        } catch {
            throw .invalidAESKey
        }
    }

    public static func == (lhs: EncodingAESKey, rhs: EncodingAESKey) -> Bool { lhs.bytes == rhs.bytes }

    public func hash(into hasher: inout Hasher) { hasher.combine(bytes) }

    /// Whether `encoded` is an EncodingAESKey (43 characters that decode to 32 bytes).
    public static func isWellFormed(_ encoded: String) -> Bool { (try? EncodingAESKey(encoded)) != nil }

    /// The CBC initialisation vector: the key's first 16 bytes.
    public var iv: [UInt8] { Array(bytes.prefix(16)) }
}
