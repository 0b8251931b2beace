import Shared
import Testing
import WeChatFake

/// The pushes the simulator (and the system tests) send are what WeChat sends: signed with the Token,
/// encrypted and signed again in safe and compatible mode, and opened by the product's own protocol code.
@Suite struct WeChatPusherTests {
    static let token = "pusher-token"
    static let appID = "wxpusher00000001"
    static let aesKey = DemoAccount.encodingAESKey

    /// The query of a push URL as a dictionary.
    static func query(_ url: String) -> [String: String] {
        let parts = url.split(separator: "?", maxSplits: 1)
        var result: [String: String] = [:]
        for pair in parts.count == 2 ? parts[1].split(separator: "&") : [] {
            let halves = pair.split(separator: "=", maxSplits: 1).map(String.init)
            result[halves[0]] = halves.count == 2 ? halves[1] : ""
        }
        return result
    }

    let message = SimulatedMessage(from: "o_user-1", to: "gh_account", kind: .text("你好 <b>&]]> 👋"), msgID: 1_234_567_890_123_456, createTime: 1_714_036_504)

    @Test func plaintextPushIsSignedAndParsesBackToTheSameMessage() throws {
        let pusher = try WeChatPusher(endpoint: "http://127.0.0.1:8080/wechat", token: Self.token, appID: Self.appID)
        #expect(pusher.mode == .plaintext)
        let request = try pusher.request(for: message, timestamp: 1_714_036_504, nonce: "42")
        let query = Self.query(request.url)
        #expect(request.url.hasPrefix("http://127.0.0.1:8080/wechat?"))
        #expect(WeChatSignature.isValid(signature: query["signature"] ?? "", token: Self.token, timestamp: "1714036504", nonce: "42"))
        #expect(query["openid"] == "o_user-1")
        #expect(query["encrypt_type"] == nil)
        let parsed = try InboundMessage(xml: Array(request.body.utf8))
        #expect(parsed.fromUserName == "o_user-1")
        #expect(parsed.msgType == "text")
        #expect(parsed["Content"] == "你好 <b>&]]> 👋")
        #expect(parsed.msgID == "1234567890123456")
    }

    @Test(arguments: [WeChatPusher.Mode.safe, .compatible])
    func encryptedPushOpensWithTheAccountsKey(mode: WeChatPusher.Mode) throws {
        let pusher = try WeChatPusher(endpoint: "http://x/wechat", token: Self.token, appID: Self.appID, encodingAESKey: Self.aesKey, mode: mode)
        let request = try pusher.request(for: message, timestamp: 1_714_036_504, nonce: "77")
        let query = Self.query(request.url)
        #expect(query["encrypt_type"] == "aes")
        let crypto = try WeChatMessageCrypto(appID: Self.appID, encodingAESKey: Self.aesKey)
        let opened = try crypto.openRequest(
            body: Array(request.body.utf8), token: Self.token, timestamp: "1714036504", nonce: "77", msgSignature: query["msg_signature"] ?? "")
        #expect(String(decoding: opened.message, as: UTF8.self) == message.xml)
        // Compatible mode carries the plaintext fields too; safe mode only ToUserName and Encrypt.
        let outer = try WeChatXML.parse(Array(request.body.utf8))
        #expect(outer.map(\.name).contains("Content") == (mode == .compatible))
        #expect(outer.map(\.name).contains("Encrypt"))
    }

    @Test func aWrongKeyOrAMissingKeyIsRefused() throws {
        #expect(throws: WeChatPusherError.self) { try WeChatPusher(endpoint: "http://x", token: "t", appID: "a", mode: .safe) }
        #expect(throws: (any Error).self) { try WeChatPusher(endpoint: "http://x", token: "t", appID: "a", encodingAESKey: "short") }
    }

    @Test func everyKindBuildsAMessageTheProductParses() throws {
        let kinds: [(SimulatedMessage.Kind, String, String?)] = [
            (.image(mediaID: "M1"), "image", nil), (.voice(mediaID: "V1", recognition: "hi"), "voice", nil),
            (.location(latitude: 23.13, longitude: 113.35, label: "Guangzhou"), "location", nil),
            (.link(title: "T", description: "D", url: "https://example.com"), "link", nil),
            (.event("subscribe", key: nil), "event", "subscribe"), (.event("CLICK", key: "menu_1"), "event", "CLICK"),
        ]
        for (kind, type, event) in kinds {
            let parsed = try InboundMessage(xml: Array(SimulatedMessage(from: "o1", kind: kind).xml.utf8))
            #expect(parsed.msgType == type)
            #expect(parsed.event == event)
            // Events have no MsgId (the product dedups them by FromUserName + CreateTime).
            #expect((parsed.msgID == nil) == (type == "event"))
        }
    }
}
