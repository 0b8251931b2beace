import Crypto

/// SHA-256 of bytes as lower-case hex: the key of cached media uploads and the source of template
/// `client_msg_id`s (targets without swift-crypto use it from here).
public enum ContentHash {
    public static func sha256Hex(_ bytes: some Sequence<UInt8>) -> String {
        WeChatSignature.hex(SHA256.hash(data: Array(bytes)))
    }
}
