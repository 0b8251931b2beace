import Crypto
import _CryptoExtras

/// WeChat's safe-mode message encryption (WXBizMsgCrypt), both directions, for one AppID.
///
/// Frame: `random(16) ‖ uint32_be(byte length of msg) ‖ msg ‖ appid`, padded with PKCS#7 to a
/// multiple of **32** bytes (always 1...32 pad bytes), then AES-256-CBC with IV = key[0..<16] and no
/// library padding, then base64.
///
/// Key rotation: give the previous EncodingAESKey (`WECHAT_AES_KEY_PREVIOUS`) too. ``decrypt(_:)``
/// tries it when the current key cannot decrypt, and says which key worked, so that the passive reply
/// can be encrypted with the same one, as WeChat's FAQ asks.
public struct WeChatMessageCrypto: Sendable {
    /// Which of the configured keys to use or which one worked.
    public enum KeySlot: Sendable, Hashable {
        case current
        case previous
    }

    /// A decrypted push: the message bytes (UTF-8 XML) and the key that opened them.
    public struct Decrypted: Sendable, Hashable {
        public var message: [UInt8]
        public var key: KeySlot
    }

    public let appID: String
    let currentKey: EncodingAESKey
    let previousKey: EncodingAESKey?

    /// Sets up both keys; a malformed key is ``MessageCryptoError/invalidAESKey``.
    public init(appID: String, encodingAESKey: String, previousEncodingAESKey: String? = nil) throws(MessageCryptoError) {
        self.appID = appID
        self.currentKey = try EncodingAESKey(encodingAESKey)
        if let previousEncodingAESKey {
            self.previousKey = try EncodingAESKey(previousEncodingAESKey)
        } else {
            self.previousKey = nil
        }
    }

    /// Decrypts the text of an `<Encrypt>` element. Verify `msg_signature` first.
    ///
    /// Tries the current key, then (for failures a key can cause) the previous one; when both fail,
    /// the current key's error is thrown.
    public func decrypt(_ encrypt: String) throws(MessageCryptoError) -> Decrypted {
        guard let ciphertext = Base64.decode(encrypt) else { throw .invalidBase64 }
        do {
            return Decrypted(message: try Self.open(ciphertext, key: currentKey, appID: appID), key: .current)
        } catch {
            guard error.mayBeWrongKey, let previousKey,
                let message = try? Self.open(ciphertext, key: previousKey, appID: appID)
            else { throw error }
            return Decrypted(message: message, key: .previous)
        }
    }

    /// Encrypts `message` into an `Encrypt` text with 16 fresh random bytes in front.
    public func encrypt(_ message: [UInt8], key slot: KeySlot = .current) throws(MessageCryptoError) -> String {
        var generator = SystemRandomNumberGenerator()
        let random = (0..<16).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return try encrypt(message, random: random, key: slot)
    }

    /// Encrypts with a caller-chosen 16-byte random prefix (test vectors, simulators).
    public func encrypt(_ message: [UInt8], random: [UInt8], key slot: KeySlot = .current) throws(MessageCryptoError) -> String {
        guard random.count == 16, let length = UInt32(exactly: message.count) else { throw .invalidEncryptInput }
        let key = try keyBytes(slot)
        var plain = random
        plain.reserveCapacity(message.count + appID.utf8.count + 52)
        withUnsafeBytes(of: length.bigEndian) { plain.append(contentsOf: $0) }
        plain.append(contentsOf: message)
        plain.append(contentsOf: appID.utf8)
        let pad = Self.blockSize - plain.count % Self.blockSize  // 1...32, never 0
        plain.append(contentsOf: repeatElement(UInt8(pad), count: pad))
        return Base64.encode(try Self.seal(plain, key: key))
    }

    /// AES-256-CBC over an already padded frame (a multiple of 16 bytes), no library padding.
    static func seal(_ plain: [UInt8], key: EncodingAESKey) throws(MessageCryptoError) -> [UInt8] {
        do {
            return Array(try AES._CBC.encrypt(plain, using: key.symmetricKey, iv: key.cbcIV, noPadding: true))
        } catch {
            throw .aesFailure
        }
    }

    /// WeChat's PKCS#7 block size: 32, not AES's 16.
    static let blockSize = 32

    private func keyBytes(_ slot: KeySlot) throws(MessageCryptoError) -> EncodingAESKey {
        switch slot {
        case .current: return currentKey
        case .previous:
            guard let previousKey else { throw .invalidAESKey }
            return previousKey
        }
    }
}
