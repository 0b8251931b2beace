import PropertyBased
import Testing

@testable import Shared

/// Property-based round trips over all of Unicode and message sizes from 0 to 64 KiB.
@Suite struct ProtocolPropertyTests {
    /// Any Unicode scalar, surrogates excluded (they are not scalars), each plane equally likely
    /// enough that 1-, 2-, 3- and 4-byte UTF-8 all occur.
    static let scalar = Gen<UInt32>.value(in: 0...0x10FFFF).map { value -> Unicode.Scalar in
        Unicode.Scalar(value) ?? Unicode.Scalar(value & 0xFFFF ^ 0x8000) ?? "\u{FFFD}"
    }
    /// One scalar in three from the first 2 048 (ASCII, controls, Latin, ...), the rest from anywhere.
    static let mixedScalar = Gen<UInt32>.value(in: 0...0x10FFFF).map { value -> Unicode.Scalar in
        let narrowed = value % 3 == 0 ? value & 0x7FF : value
        return Unicode.Scalar(narrowed) ?? "\u{FFFD}"
    }

    /// Strings of up to 16 384 scalars: 0 to 64 KiB of UTF-8.
    static let unicodeText = scalar.array(of: 0...16_384).map { String(String.UnicodeScalarView($0)) }
    static let shortText = mixedScalar.array(of: 0...64).map { String(String.UnicodeScalarView($0)) }
    static let bytes = Gen<UInt8>.value(in: 0...255).array(of: 0...65_536)

    static let crypto: WeChatMessageCrypto? = try? WeChatMessageCrypto(appID: "wxb11529c136998cb6", encodingAESKey: CryptoVectors.tv3Key)

    @Test func encryptDecryptRoundTripsUnicodeUpTo64KiB() async throws {
        let crypto = try #require(Self.crypto)
        await propertyCheck(count: 60, input: Self.unicodeText) { text throws in
            let message = Array(text.utf8)
            #expect(message.count <= 65_536)
            let opened = try crypto.decrypt(crypto.encrypt(message))
            #expect(opened.message == message)
        }
    }

    @Test func encryptDecryptRoundTripsArbitraryBytes() async throws {
        let crypto = try #require(Self.crypto)
        await propertyCheck(count: 60, input: Self.bytes) { message throws in
            #expect(try crypto.decrypt(crypto.encrypt(message)).message == message)
        }
    }

    @Test func encryptedReplyOpensAsARequest() async throws {
        let crypto = try #require(Self.crypto)
        await propertyCheck(count: 100, input: Self.shortText, Self.shortText) { content, nonce throws in
            let reply = PassiveReply(toUserName: "oUser", fromUserName: "gh_x", createTime: 1, content: .text(content))
            let envelope = try crypto.encryptedReply(reply.xml, token: "tok", timestamp: "1700000000", nonce: nonce)
            let fields = try WeChatXML.parse(envelope)
            let signature = try #require(fields.first { $0.name == "MsgSignature" }?.value)
            let sentNonce = try #require(fields.first { $0.name == "Nonce" }?.value)
            let opened = try crypto.openRequest(
                body: Array(envelope.utf8), token: "tok", timestamp: "1700000000", nonce: sentNonce, msgSignature: signature)
            #expect(opened.message == Array(reply.xml.utf8))
        }
    }

    /// Like ``unicodeText`` but without U+10FF00...U+10FF21, the parser's placeholders for forbidden
    /// characters: a body holding both is hostile and handled lossily (see HostileXMLTests).
    static let unicodeTextWithoutPlaceholders = scalar.map { scalar -> Unicode.Scalar in
        (0x10FF00...0x10FF21).contains(scalar.value) ? "\u{10FE00}" : scalar
    }.array(of: 0...16_384).map { String(String.UnicodeScalarView($0)) }

    @Test func cdataKeepsEveryCharacterOnTheWayIn() async {
        await propertyCheck(count: 60, input: Self.unicodeTextWithoutPlaceholders) { text throws in
            let cdata = "<![CDATA[" + text.replacing("]]>", with: "]]]]><![CDATA[>") + "]]>"
            let xml = "<xml><ToUserName>gh</ToUserName><FromUserName>o</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><Content>\(cdata)</Content></xml>"
            let message = try InboundMessage(xml: Array(xml.utf8))
            guard case .text(let content, _) = message.kind else { return #expect(Bool(false)) }
            #expect(Array(content.utf8) == Array(text.utf8))
        }
    }

    @Test func passiveReplyTextSurvivesWeChatsParser() async {
        await propertyCheck(count: 100, input: Self.shortText) { text throws in
            let reply = PassiveReply(toUserName: text, fromUserName: "gh", createTime: 7, content: .text(text))
            let fields = try WeChatXML.parse(reply.xml)
            let allowed = String(
                String.UnicodeScalarView(
                    text.unicodeScalars.filter {
                        ($0.value >= 0x20 && $0.value != 0xFFFE && $0.value != 0xFFFF) || $0 == "\t" || $0 == "\n" || $0 == "\r"
                    }))
            #expect(fields.first { $0.name == "Content" }.map { Array($0.value.utf8) } == Array(allowed.utf8))
            #expect(fields.first { $0.name == "ToUserName" }.map { Array($0.value.utf8) } == Array(allowed.utf8))
        }
    }

    @Test func base64RoundTrips() async {
        await propertyCheck(count: 200, input: Gen<UInt8>.value(in: 0...255).array(of: 0...100)) { bytes in
            #expect(Base64.decode(Base64.encode(bytes)) == bytes)
        }
    }

    @Test func envelopeRoundTripsAnyFieldText() async throws {
        await propertyCheck(count: 100, input: Self.shortText, Gen.int64(in: 0 ... .max)) { text, time throws in
            let fields = [
                XMLField("ToUserName", "gh"), XMLField("FromUserName", text), XMLField("CreateTime", String(time)),
                XMLField("MsgType", "event"), XMLField("Event", text), XMLField("Nested", text, children: [XMLField("a", text)]),
            ]
            let envelope = MessageEnvelope(appID: "wx", receivedAtMilliseconds: time, message: try InboundMessage(fields: fields))
            #expect(try MessageEnvelope(decoding: envelope.encoded()) == envelope)
        }
    }
}
