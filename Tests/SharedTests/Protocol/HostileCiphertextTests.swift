import Testing

@testable import Shared

/// Hostile `Encrypt` values: each gives its own typed error, never a crash.
@Suite struct HostileCiphertextTests {
    let appID = CryptoVectors.tv3AppID

    func crypto() throws -> WeChatMessageCrypto {
        try WeChatMessageCrypto(appID: appID, encodingAESKey: CryptoVectors.tv3Key)
    }

    /// Encrypts a raw frame (no padding added) so its fields can be chosen freely.
    func sealed(_ frame: [UInt8]) throws -> String {
        Base64.encode(try WeChatMessageCrypto.seal(frame, key: EncodingAESKey(CryptoVectors.tv3Key)))
    }

    func frame(random: [UInt8] = Array(repeating: 0x41, count: 16), length: UInt32, message: [UInt8], appID: String, pad: Int? = nil) -> [UInt8] {
        var out = random
        withUnsafeBytes(of: length.bigEndian) { out.append(contentsOf: $0) }
        out += message + Array(appID.utf8)
        let padding = pad ?? (32 - out.count % 32)
        return out + [UInt8](repeating: UInt8(padding), count: padding)
    }

    @Test func wrongBase64() throws {
        for bad in ["%%%%", "abc", "ab=c", "====", "a===", "YWJj\n", "YW Jj", "é"] {
            #expect(throws: MessageCryptoError.invalidBase64, "\(bad)") { try crypto().decrypt(bad) }
        }
    }

    @Test func shortAndUnaligned() throws {
        #expect(throws: MessageCryptoError.invalidCiphertextLength(0)) { try crypto().decrypt("") }
        #expect(throws: MessageCryptoError.invalidCiphertextLength(16)) { try crypto().decrypt(Base64.encode([UInt8](repeating: 1, count: 16))) }
        #expect(throws: MessageCryptoError.invalidCiphertextLength(33)) { try crypto().decrypt(Base64.encode([UInt8](repeating: 1, count: 33))) }
        #expect(throws: MessageCryptoError.invalidCiphertextLength(47)) { try crypto().decrypt(Base64.encode([UInt8](repeating: 1, count: 47))) }
    }

    @Test func wrongAppID() throws {
        let other = try WeChatMessageCrypto(appID: "wx0000000000000000", encodingAESKey: CryptoVectors.tv3Key)
        let encrypted = try other.encrypt(Array("<xml/>".utf8))
        #expect(throws: MessageCryptoError.appIDMismatch(found: "wx0000000000000000")) { try crypto().decrypt(encrypted) }
        #expect(MessageCryptoError.appIDMismatch(found: "").wxBizMsgCryptCode == -40005)
        // A prefix of our AppID is not our AppID either.
        let truncated = frame(length: 2, message: Array("hi".utf8), appID: String(appID.dropLast()))
        #expect(throws: MessageCryptoError.appIDMismatch(found: String(appID.dropLast()))) { try crypto().decrypt(sealed(truncated)) }
    }

    @Test func badPadding() throws {
        var zeroPad = frame(length: 2, message: Array("hi".utf8), appID: appID)
        zeroPad[zeroPad.count - 1] = 0
        #expect(throws: MessageCryptoError.invalidPadding(0)) { try crypto().decrypt(sealed(zeroPad)) }

        var tooLarge = frame(length: 2, message: Array("hi".utf8), appID: appID)
        tooLarge[tooLarge.count - 1] = 33
        #expect(throws: MessageCryptoError.invalidPadding(33)) { try crypto().decrypt(sealed(tooLarge)) }

        var inconsistent = frame(length: 2, message: Array("hi".utf8), appID: appID)
        let pad = Int(inconsistent[inconsistent.count - 1])
        #expect(pad > 1)
        inconsistent[inconsistent.count - pad] ^= 0xFF
        #expect(throws: MessageCryptoError.invalidPadding(UInt8(pad))) { try crypto().decrypt(sealed(inconsistent)) }

        // A key that is not ours mostly shows up as bad padding, a bad length or a foreign AppID.
        let wrongKey = try WeChatMessageCrypto(appID: appID, encodingAESKey: String(repeating: "B", count: 43))
        #expect(throws: MessageCryptoError.self) { try wrongKey.decrypt(CryptoVectors.tv3Encrypt) }
    }

    @Test func lengthFieldLargerThanTheMessage() throws {
        let huge = frame(length: .max, message: Array("hi".utf8), appID: appID)
        #expect(throws: MessageCryptoError.invalidLengthField(declared: .max, available: 2 + 18)) { try crypto().decrypt(sealed(huge)) }
        let offByOne = frame(length: 21, message: Array("hi".utf8), appID: appID)
        #expect(throws: MessageCryptoError.invalidLengthField(declared: 21, available: 20)) { try crypto().decrypt(sealed(offByOne)) }
        // The length may eat into the AppID, which then no longer matches.
        let eatsAppID = frame(length: 10, message: Array("hi".utf8), appID: appID)
        #expect(throws: MessageCryptoError.appIDMismatch(found: String(appID.dropFirst(8)))) { try crypto().decrypt(sealed(eatsAppID)) }
    }

    @Test func frameShorterThanItsHeader() throws {
        // 32 bytes of which 31 are padding: nothing left for random + length.
        let tiny = [UInt8](repeating: 0x41, count: 1) + [UInt8](repeating: 31, count: 31)
        #expect(throws: MessageCryptoError.invalidLengthField(declared: 0, available: 0)) { try crypto().decrypt(sealed(tiny)) }
    }

    @Test func unframeNeverTrapsOnShortInput() {
        for count in 0...40 {
            for last in [UInt8(0), 1, 16, 32, 33, 255] {
                var plain = [UInt8](repeating: last, count: count)
                if count > 0 { plain[count - 1] = last }
                #expect(throws: MessageCryptoError.self) { try WeChatMessageCrypto.unframe(plain, appID: "wx") }
            }
        }
    }
}
