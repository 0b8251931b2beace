/// Why a safe-mode (or compatible-mode) request body could not be opened, in the order of the checks.
public enum SafeModeError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The outer body is not acceptable XML.
    case xml(WeChatXMLError)
    /// The body has no `<Encrypt>` element.
    case missingEncrypt
    /// `msg_signature` does not match `sha1(sort(token, timestamp, nonce, Encrypt))` (WXBizMsgCrypt -40001).
    case signatureMismatch
    /// Decryption failed.
    case crypto(MessageCryptoError)

    public var description: String {
        switch self {
        case .xml(let error): return error.description
        case .missingEncrypt: return "encrypted body has no <Encrypt>"
        case .signatureMismatch: return "msg_signature does not match"
        case .crypto(let error): return error.description
        }
    }
}
