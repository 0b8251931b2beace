import Testing

@testable import Shared

@Suite struct MessageEnvelopeTests {
    func message(_ xml: String = WeChatFixtures.text) throws -> InboundMessage {
        try InboundMessage(xml: Array(xml.utf8))
    }

    @Test func roundTripKeepsEveryField() throws {
        let envelope = MessageEnvelope(appID: "wx2c2769f8efd9abc2", receivedAtMilliseconds: 1_714_036_504_123, message: try message(WeChatFixtures.massSendJobFinish))
        let decoded = try MessageEnvelope(decoding: envelope.encoded())
        #expect(decoded == envelope)
        #expect(decoded.message.fields == envelope.message.fields)
        #expect(decoded.dedupKey == envelope.message.dedupKey.rawValue)
        #expect(decoded.attempt == 0)
    }

    @Test func wireFormIsCompactAndVersioned() throws {
        let envelope = MessageEnvelope(appID: "wx1", receivedAtMilliseconds: 42, message: try message(WeChatFixtures.scanCodePush), attempt: 2)
        let json = String(decoding: envelope.encoded(), as: UTF8.self)
        #expect(json.contains(#""v":1"#) && json.contains(#""app":"wx1""#) && json.contains(#""at":42"#) && json.contains(#""n":2"#))
        #expect(json.contains(#""key":"e:fromUser:1400000000:scancode_push:6""#))
        #expect(json.contains(#"["ScanCodeInfo",[["ScanType","qrcode"],["ScanResult","1"]]]"#))
        #expect(!json.contains(" "))
    }

    /// The hand-written JSON must read back through JSONDecoder for every string a field can hold.
    @Test func writerEscapesEverythingJSONNeeds() throws {
        let tricky = "quote \" backslash \\ slash / tab \t cr \r nl \n nul \u{0} bell \u{7} us \u{1F} del \u{7F} ls \u{2028} 你好 😀 é"
        let fields = [
            XMLField("ToUserName", "gh_x"), XMLField("FromUserName", "o\"\\user"),
            XMLField("CreateTime", "1"), XMLField("MsgType", "text"),
            XMLField("Content", tricky),
            XMLField("Outer", "both", children: [XMLField("Inner", tricky)]),
            XMLField("Empty", ""),
        ]
        let envelope = MessageEnvelope(appID: "wx\"app", receivedAtMilliseconds: -5, message: try InboundMessage(fields: fields), dedupKey: "k\u{1}", attempt: 7)
        let decoded = try MessageEnvelope(decoding: envelope.encoded())
        #expect(decoded == envelope)
        #expect(decoded.message["Content"] == tricky)
    }

    @Test func unknownVersionIsADistinctError() throws {
        let body = #"{"v":2,"app":"wx","at":1,"key":"k","n":0,"msg":{"f":[]}}"#
        #expect(throws: MessageEnvelopeError.unsupportedVersion(2)) { try MessageEnvelope(decoding: Array(body.utf8)) }
        #expect(MessageEnvelopeError.unsupportedVersion(2).deadLetterReason.rawValue == "unsupported-version")
        // The version is checked first, whatever else the document holds.
        #expect(throws: MessageEnvelopeError.unsupportedVersion(99)) { try MessageEnvelope(decoding: Array(#"{"v":99,"new":true}"#.utf8)) }
    }

    @Test func malformedEnvelopes() {
        let bodies = [
            "", "null", "[]", #"{"app":"wx"}"#, #"{"v":"1"}"#, #"{"v":1}"#,
            #"{"v":1,"app":"wx","at":1,"key":"k","n":0,"msg":{"f":[["ToUserName","a"]]}}"#,
            #"{"v":1,"app":"wx","at":1,"key":"k","n":0,"msg":{"f":[[1,2]]}}"#,
            #"{"v":1,"app":"wx","at":"soon","key":"k","n":0,"msg":{"f":[]}}"#,
        ]
        for body in bodies {
            #expect("\(body)") {
                try MessageEnvelope(decoding: Array(body.utf8))
            } throws: { error in
                guard let error = error as? MessageEnvelopeError, case .malformed = error else { return false }
                return error.deadLetterReason.rawValue == "malformed-envelope"
            }
        }
    }

    @Test func explicitDedupKeyIsKept() throws {
        let envelope = MessageEnvelope(appID: "wx", receivedAtMilliseconds: 1, message: try message(), dedupKey: "custom")
        #expect(try MessageEnvelope(decoding: envelope.encoded()).dedupKey == "custom")
    }
}
