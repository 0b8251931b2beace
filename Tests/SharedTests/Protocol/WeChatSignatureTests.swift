import Testing

@testable import Shared

@Suite struct WeChatSignatureTests {
    @Test func tv1WechatpyVector() {
        #expect(WeChatSignature.urlSignature(token: "test", timestamp: "1410685589", nonce: "test") == "f21891de399b4e33a1a93c9a7b8a8fffb5a443ff")
        #expect(WeChatSignature.isValid(signature: "f21891de399b4e33a1a93c9a7b8a8fffb5a443ff", token: "test", timestamp: "1410685589", nonce: "test"))
        #expect(!WeChatSignature.isValid(signature: "f21891de399b4e33a1a93c9a7b8a8fffb5a443fe", token: "test", timestamp: "1410685589", nonce: "test"))
    }

    @Test func tv2OfficialURLCheckAndPost() {
        #expect(WeChatSignature.urlSignature(token: "AAAAA", timestamp: "1714036504", nonce: "1514711492") == "f464b24fc39322e44b38aa78f5edd27bd1441696")
        #expect(WeChatSignature.urlSignature(token: "AAAAA", timestamp: "1714037059", nonce: "486452656") == "899cf89e464efb63f54ddac96b0a0a235f53aa78")
    }

    @Test(arguments: WeChatTestVectors.signatures)
    func jsonSignatureVectors(_ vector: WeChatTestVectors.SignatureVector) {
        #expect(WeChatSignature.isValid(signature: vector.signature, token: vector.token, timestamp: vector.timestamp, nonce: vector.nonce))
    }

    @Test(arguments: WeChatTestVectors.safeMode)
    func jsonMessageSignatureVectors(_ vector: WeChatTestVectors.SafeModeVector) {
        #expect(
            WeChatSignature.isValidMessageSignature(
                vector.msgSignature, token: vector.token, timestamp: vector.timestamp, nonce: vector.nonce, encrypt: vector.encrypt))
        #expect(
            !WeChatSignature.isValidMessageSignature(
                vector.msgSignature, token: vector.token, timestamp: vector.timestamp, nonce: vector.nonce, encrypt: vector.encrypt + "A"))
    }

    @Test func tv3DerivedMessageSignature() {
        let encrypt = "jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72vVOfg=="
        #expect(
            WeChatSignature.messageSignature(token: "pamtest", timestamp: "1409304348", nonce: "xxxxxx", encrypt: encrypt)
                == "82c962d39941aa48552f90ef55aa323dc620cc10")
    }

    @Test func tv4And5MessageSignatures() {
        #expect(
            WeChatSignature.isValidMessageSignature(
                "5d197aaffba7e9b25a30732f161a50dee96bd5fa", token: "spamtest", timestamp: "1409735669", nonce: "1320562132",
                encrypt: CryptoVectors.tv4Encrypt))
        #expect(
            WeChatSignature.isValidMessageSignature(
                "74d92dfeb87ba7c714f89d98870ae5eb62dff26d", token: "123456", timestamp: "1411525903", nonce: "461056294",
                encrypt: CryptoVectors.tv5DecryptEncrypt))
    }

    @Test func sortIsLexicographicNotNumeric() {
        // "10" < "9" as strings; a numeric sort would give a different concatenation.
        #expect(WeChatSignature.sign(["9", "10", "a"]) == WeChatSignature.sign(["10", "9a"]))
        #expect(WeChatSignature.sign(["b", "a"]) == WeChatSignature.sign(["a", "b"]))
    }

    @Test func rejectsWrongLengthOrCase() {
        let good = WeChatSignature.urlSignature(token: "t", timestamp: "1", nonce: "n")
        #expect(!WeChatSignature.isValid(signature: String(good.dropLast()), token: "t", timestamp: "1", nonce: "n"))
        #expect(!WeChatSignature.isValid(signature: "", token: "t", timestamp: "1", nonce: "n"))
        #expect(!WeChatSignature.isValid(signature: good + "0", token: "t", timestamp: "1", nonce: "n"))
        #expect(!WeChatSignature.isValid(signature: good, token: "u", timestamp: "1", nonce: "n"))
    }

    @Test func constantTimeEquals() {
        #expect(ConstantTime.equals([1, 2, 3], [1, 2, 3]))
        #expect(!ConstantTime.equals([1, 2, 3], [1, 2, 4]))
        #expect(!ConstantTime.equals([1, 2, 3], [1, 2]))
        #expect(ConstantTime.equals([UInt8](), [UInt8]()))
    }

    @Test func freshness() {
        let now: Int64 = 1_714_036_504
        #expect(WeChatSignature.isFresh(timestamp: "1714036504", nowSeconds: now))
        #expect(WeChatSignature.isFresh(timestamp: "1714036204", nowSeconds: now))
        #expect(!WeChatSignature.isFresh(timestamp: "1714036203", nowSeconds: now))
        #expect(WeChatSignature.isFresh(timestamp: "1714036804", nowSeconds: now))
        #expect(!WeChatSignature.isFresh(timestamp: "1714036805", nowSeconds: now))
        #expect(WeChatSignature.isFresh(timestamp: "1714036000", nowSeconds: now, window: 600))
        for bad in ["", "abc", "-5", "+1714036504", " 1714036504", "1714036504.0", "99999999999999999999", "0x10"] {
            #expect(!WeChatSignature.isFresh(timestamp: bad, nowSeconds: now), "\(bad)")
        }
        #expect(!WeChatSignature.isFresh(timestamp: "0", nowSeconds: .min))
    }
}
