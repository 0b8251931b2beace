import Testing

@testable import Shared

@Suite struct WeChatMessageCryptoTests {
    func crypto(_ key: String = CryptoVectors.tv3Key, appID: String = CryptoVectors.tv3AppID, previous: String? = nil) throws -> WeChatMessageCrypto {
        try WeChatMessageCrypto(appID: appID, encodingAESKey: key, previousEncodingAESKey: previous)
    }

    @Test func tv3EncryptMatchesTencentSample() throws {
        let crypto = try crypto()
        #expect(try crypto.encrypt(Array("我是中文abcd123".utf8), random: CryptoVectors.tv3Random) == CryptoVectors.tv3Encrypt)
        #expect(try crypto.encrypt(Array(CryptoVectors.tv3Reply2.utf8), random: CryptoVectors.tv3Random) == CryptoVectors.tv3Encrypt2)
    }

    @Test func tv3DecryptsBack() throws {
        let crypto = try crypto()
        let first = try crypto.decrypt(CryptoVectors.tv3Encrypt)
        #expect(String(decoding: first.message, as: UTF8.self) == "我是中文abcd123")
        #expect(first.key == .current)
        #expect(try crypto.decrypt(CryptoVectors.tv3Encrypt2).message == Array(CryptoVectors.tv3Reply2.utf8))
    }

    @Test func tv3PlaintextLayoutIsPaddedTo64() throws {
        let key = try EncodingAESKey(CryptoVectors.tv3Key)
        let ciphertext = try #require(Base64.decode(CryptoVectors.tv3Encrypt))
        #expect(ciphertext.count == 64)  // 16 + 4 + 19 + 18 = 57, pad 7
        #expect(key.bytes.count == 32 && key.iv == Array(key.bytes.prefix(16)))
    }

    @Test func tv4InboundMessageFullDecrypt() throws {
        let crypto = try crypto(appID: "wx2c2769f8efd9abc2")
        let body = Array(WeChatFixtures.encryptedEnvelope.utf8)
        let opened = try crypto.openRequest(
            body: body, token: "spamtest", timestamp: "1409735669", nonce: "1320562132",
            msgSignature: "5d197aaffba7e9b25a30732f161a50dee96bd5fa")
        #expect(String(decoding: opened.message, as: UTF8.self) == CryptoVectors.tv4Plain)
        let message = try InboundMessage(xml: opened.message)
        #expect(message.kind == .text(content: "abcdteT", bizMsgMenuID: nil))
        #expect(message.msgID == "6054768590064713728")
        // The 320-byte plaintext ends in a pad of 2.
        #expect(Base64.decode(CryptoVectors.tv4Encrypt)?.count == 320)
    }

    @Test func tv4WrongSignatureIsRefusedBeforeDecrypting() throws {
        let crypto = try crypto(appID: "wx2c2769f8efd9abc2")
        #expect(throws: SafeModeError.signatureMismatch) {
            try crypto.openRequest(
                body: Array(WeChatFixtures.encryptedEnvelope.utf8), token: "spamtest", timestamp: "1409735669", nonce: "1320562133",
                msgSignature: "5d197aaffba7e9b25a30732f161a50dee96bd5fa")
        }
        #expect(throws: SafeModeError.missingEncrypt) {
            try crypto.openRequest(body: Array(WeChatFixtures.text.utf8), token: "t", timestamp: "1", nonce: "n", msgSignature: "x")
        }
    }

    @Test func tv5WeComDecryptEncryptAndEnvelope() throws {
        let crypto = try crypto(CryptoVectors.tv5Key, appID: CryptoVectors.tv5ID)
        let message = try InboundMessage(xml: crypto.decrypt(CryptoVectors.tv5DecryptEncrypt).message)
        #expect(message.fromUserName == "messense")
        #expect(message.kind == .text(content: "test", bizMsgMenuID: nil))
        #expect(message.msgID == "4363689963896700987")
        #expect(message["AgentID"] == "1")

        let random = Array("1234567890123456".utf8)
        #expect(try crypto.encrypt(Array(CryptoVectors.tv5Reply.utf8), random: random) == CryptoVectors.tv5ReplyEncrypt)
        let envelope = try crypto.encryptedReply(
            CryptoVectors.tv5Reply, random: random, token: "123456", timestamp: "1411525903", nonce: "461056294")
        #expect(
            envelope == """
                <xml>
                <Encrypt><![CDATA[\(CryptoVectors.tv5ReplyEncrypt)]]></Encrypt>
                <MsgSignature><![CDATA[407518b7649e86ef23978113f92d27afa9296533]]></MsgSignature>
                <TimeStamp>1411525903</TimeStamp>
                <Nonce><![CDATA[461056294]]></Nonce>
                </xml>
                """)
    }

    @Test func tv5WeComEchostrDecrypts() throws {
        // WeCom's URL check (not MP's): same cipher, signature over the encrypted echostr.
        let crypto = try crypto(CryptoVectors.tv5Key, appID: CryptoVectors.tv5ID)
        let echostr = CryptoVectors.tv5WeComEchostr
        #expect(
            WeChatSignature.isValidMessageSignature(
                "dd6b9c95b495b3f7e2901bfbc76c664930ffdb96", token: "123456", timestamp: "1411443780", nonce: "437374425", encrypt: echostr))
        #expect(
            !WeChatSignature.isValidMessageSignature(
                "dd6b9c95b495b3f7e2901bfbc76c664930ffdb96", token: "123456", timestamp: "1411443780", nonce: "437374424", encrypt: echostr))
        #expect(String(decoding: try crypto.decrypt(echostr).message, as: UTF8.self) == "5927782489442352469")
    }

    @Test func tv6AllAKeyIsZero() throws {
        let key = try EncodingAESKey(String(repeating: "A", count: 43))
        #expect(key.bytes == [UInt8](repeating: 0, count: 32))
        #expect(key.iv == [UInt8](repeating: 0, count: 16))
    }

    @Test(arguments: WeChatTestVectors.safeMode)
    func jsonSafeModeVectors(_ vector: WeChatTestVectors.SafeModeVector) throws {
        let crypto = try crypto(vector.encodingAESKey, appID: vector.appID)
        let encrypted = try crypto.encrypt(Array(vector.plaintextXML.utf8), random: Array(vector.random16.utf8))
        #expect(encrypted == vector.encrypt)
        #expect(try crypto.decrypt(vector.encrypt).message == Array(vector.plaintextXML.utf8))
        let body = "<xml><ToUserName><![CDATA[gh]]></ToUserName><Encrypt><![CDATA[\(vector.encrypt)]]></Encrypt></xml>"
        let opened = try crypto.openRequest(
            body: Array(body.utf8), token: vector.token, timestamp: vector.timestamp, nonce: vector.nonce, msgSignature: vector.msgSignature)
        let message = try InboundMessage(xml: opened.message)
        #expect(message.toUserName.hasPrefix("gh_"))
    }

    @Test func invalidKeys() {
        for bad in ["", "abcde", String(repeating: "A", count: 42), String(repeating: "A", count: 44), String(repeating: "*", count: 43)] {
            #expect(throws: MessageCryptoError.invalidAESKey) { try EncodingAESKey(bad) }
        }
        #expect(throws: MessageCryptoError.invalidAESKey) {
            try WeChatMessageCrypto(appID: "wx", encodingAESKey: CryptoVectors.tv3Key, previousEncodingAESKey: "short")
        }
    }

    @Test func paddingIsAlways1To32AndAlignedMessagesGetAFullBlock() throws {
        let crypto = try crypto()
        // 16 + 4 + 18 (appid) = 38; a 26-byte message makes the frame exactly 64 → a full 32-byte pad.
        for count in 0...80 {
            let message = [UInt8](repeating: 0x61, count: count)
            let ciphertext = try #require(Base64.decode(try crypto.encrypt(message, random: CryptoVectors.tv3Random)))
            let frame = 38 + count
            #expect(ciphertext.count == (frame / 32 + 1) * 32, "message of \(count) bytes")
            #expect(try crypto.decrypt(Base64.encode(ciphertext)).message == message)
        }
    }

    @Test func keyRotationFallsBackToThePreviousKey() throws {
        let newKey = String(repeating: "B", count: 43)
        let old = try crypto()
        let rotated = try crypto(newKey, previous: CryptoVectors.tv3Key)
        let sealedWithOld = try old.encrypt(Array("hello".utf8))
        let opened = try rotated.decrypt(sealedWithOld)
        #expect(opened.message == Array("hello".utf8))
        #expect(opened.key == .previous)
        // The reply goes out with the key that worked, and the old configuration can read it.
        let reply = try rotated.encrypt(Array("reply".utf8), key: opened.key)
        #expect(try old.decrypt(reply).message == Array("reply".utf8))
        #expect(try rotated.decrypt(rotated.encrypt(Array("x".utf8))).key == .current)
        // Without a previous key the error is the current key's.
        #expect(throws: MessageCryptoError.self) { try crypto(newKey).decrypt(sealedWithOld) }
        #expect(throws: MessageCryptoError.invalidAESKey) { try crypto().encrypt([1], key: .previous) }
    }

    @Test func encryptRefusesABadRandomPrefix() throws {
        #expect(throws: MessageCryptoError.invalidEncryptInput) { try crypto().encrypt([1], random: [1, 2, 3]) }
    }
}
