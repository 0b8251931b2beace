/// Every way safe-mode encryption or decryption can fail, each with its own case.
///
/// ``wxBizMsgCryptCode`` maps a case to the return code of Tencent's WXBizMsgCrypt samples, handy in
/// logs next to other SDKs' output.
public enum MessageCryptoError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The EncodingAESKey is not 43 base64 characters decoding to 32 bytes.
    case invalidAESKey
    /// The `Encrypt` text is not valid base64.
    case invalidBase64
    /// The ciphertext is empty, shorter than one 32-byte frame, or not a whole number of AES blocks.
    case invalidCiphertextLength(Int)
    /// The AES library refused the input (should not happen for well-sized input).
    case aesFailure
    /// The last plaintext byte is not a PKCS#7 pad of 1...32 equal bytes. Usually a wrong key.
    case invalidPadding(UInt8)
    /// The 4-byte message length is larger than what the plaintext holds. Usually a wrong key.
    case invalidLengthField(declared: UInt32, available: Int)
    /// The plaintext decrypted correctly but names another AppID (WXBizMsgCrypt -40005).
    case appIDMismatch(found: String)
    /// Encrypt was called with a random prefix that is not 16 bytes, or a message over 4 GiB.
    case invalidEncryptInput

    /// The matching return code of Tencent's WXBizMsgCrypt sample code.
    public var wxBizMsgCryptCode: Int {
        switch self {
        case .invalidAESKey: return -40004
        case .invalidBase64: return -40010
        case .invalidCiphertextLength, .aesFailure, .invalidPadding: return -40007
        case .invalidLengthField: return -40008
        case .appIDMismatch: return -40005
        case .invalidEncryptInput: return -40006
        }
    }

    /// True for failures that a different key could cure: the rotation fallback only retries these.
    var mayBeWrongKey: Bool {
        switch self {
        case .aesFailure, .invalidPadding, .invalidLengthField, .appIDMismatch: return true
        case .invalidAESKey, .invalidBase64, .invalidCiphertextLength, .invalidEncryptInput: return false
        }
    }

    public var description: String {
        switch self {
        case .invalidAESKey: return "EncodingAESKey must be 43 base64 characters (32 bytes)"
        case .invalidBase64: return "Encrypt is not valid base64"
        case .invalidCiphertextLength(let count): return "ciphertext of \(count) bytes is not a whole number of AES blocks of at least 32 bytes"
        case .aesFailure: return "AES-CBC refused the input"
        case .invalidPadding(let byte): return "invalid 32-byte PKCS#7 padding (last byte \(byte))"
        case .invalidLengthField(let declared, let available): return "length field \(declared) exceeds the \(available) bytes present"
        case .appIDMismatch(let found): return "decrypted message is for another AppID (\(found.utf8.count) bytes)"
        case .invalidEncryptInput: return "random prefix must be 16 bytes and the message under 4 GiB"
        }
    }
}
