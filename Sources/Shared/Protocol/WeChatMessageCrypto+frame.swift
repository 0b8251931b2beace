import Crypto
import _CryptoExtras

extension WeChatMessageCrypto {
    /// AES-decrypts one ciphertext with one key and takes the frame apart, checking every field.
    static func open(_ ciphertext: [UInt8], key: EncodingAESKey, appID: String) throws(MessageCryptoError) -> [UInt8] {
        guard ciphertext.count >= blockSize, ciphertext.count % 16 == 0 else {
            throw .invalidCiphertextLength(ciphertext.count)
        }
        let plain: [UInt8]
        do {
            plain = Array(try AES._CBC.decrypt(ciphertext, using: key.symmetricKey, iv: key.cbcIV, noPadding: true))
        } catch {
            throw .aesFailure
        }
        return try unframe(plain, appID: appID)
    }

    /// Strips the 32-byte PKCS#7 pad, the random prefix and the length, and checks the trailing AppID.
    static func unframe(_ plain: [UInt8], appID: String) throws(MessageCryptoError) -> [UInt8] {
        guard let last = plain.last else { throw .invalidPadding(0) }
        let pad = Int(last)
        guard pad >= 1, pad <= blockSize, pad <= plain.count,
            plain[(plain.count - pad)...].allSatisfy({ $0 == last })
        else { throw .invalidPadding(last) }
        let body = plain[..<(plain.count - pad)]
        let headerSize = 20  // 16 random bytes + 4-byte length
        guard body.count >= headerSize else {
            throw .invalidLengthField(declared: 0, available: max(0, body.count - headerSize))
        }
        let lengthStart = body.startIndex + 16
        let declared = body[lengthStart..<(lengthStart + 4)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        let available = body.count - headerSize
        guard Int(declared) <= available else {
            throw .invalidLengthField(declared: declared, available: available)
        }
        let messageStart = lengthStart + 4
        let messageEnd = messageStart + Int(declared)
        let trailingAppID = body[messageEnd...]
        guard ConstantTime.equals(trailingAppID, appID.utf8) else {
            throw .appIDMismatch(found: String(decoding: trailingAppID, as: UTF8.self))
        }
        return Array(body[messageStart..<messageEnd])
    }
}
