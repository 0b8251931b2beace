import AsyncHTTPClient
import Shared
import Testing
import WeChatFake

@testable import Worker

/// The fake API answers template, subscribe, upload and out-of-window sends as WeChat does.
@Suite struct FakeReachAPITests {
    static let appID = "wxfakereach"

    static func start() async throws -> (FakeWeChatAPI, WeChatAPIClient, String) {
        let fake = FakeWeChatAPI(apps: [appID: "s"])
        try await fake.start()
        fake.addTemplate("TPL", keywords: ["thing1", "time2"])
        let api = WeChatAPIClient(baseURL: fake.baseURL, httpClient: HTTPClient.shared)
        let token = try await api.fetchToken(kind: .stable, appID: appID, secret: "s").value
        return (fake, api, token)
    }

    static func errcode(_ call: () async throws -> Void) async -> Int {
        do {
            try await call()
            return 0
        } catch {
            return (error as? WeChatAPIError)?.errcode ?? -2
        }
    }

    static func template(_ id: String, _ data: String, clientID: String = "c1") -> [UInt8] {
        Array(#"{"touser":"u1","template_id":"\#(id)","client_msg_id":"\#(clientID)","data":\#(data)}"#.utf8)
    }

    @Test func templateSendChecksLikeWeChatAndDeduplicatesByClientMessageID() async throws {
        let (fake, api, token) = try await Self.start()
        defer { Task { await fake.stop() } }
        let good = #"{"thing1":{"value":"New reply"},"time2":{"value":"12:00"}}"#
        #expect(await Self.errcode { _ = try await api.post(path: FakeWeChatAPI.templatePath, accessToken: token, body: Self.template("NOPE", good)) } == 40037)
        #expect(await Self.errcode { _ = try await api.post(path: FakeWeChatAPI.templatePath, accessToken: token, body: Self.template("TPL", #"{"thing1":{"value":"x"}}"#)) } == 47003)
        let tooLong = #"{"thing1":{"value":"123456789012345678901"},"time2":{"value":"t"}}"#
        #expect(await Self.errcode { _ = try await api.post(path: FakeWeChatAPI.templatePath, accessToken: token, body: Self.template("TPL", tooLong)) } == 47003)
        let first = try await api.post(path: FakeWeChatAPI.templatePath, accessToken: token, body: Self.template("TPL", good))
        let again = try await api.post(path: FakeWeChatAPI.templatePath, accessToken: token, body: Self.template("TPL", good))
        #expect(first["msgid"] == again["msgid"])
        #expect(fake.deliveredTemplates.count == 1)
        _ = try await api.post(path: FakeWeChatAPI.templatePath, accessToken: token, body: Self.template("TPL", good, clientID: "c2"))
        #expect(fake.deliveredTemplates.count == 2)
        fake.restrictTemplate("TPL")
        #expect(await Self.errcode { _ = try await api.post(path: FakeWeChatAPI.templatePath, accessToken: token, body: Self.template("TPL", good, clientID: "c3")) } == 43116)
    }

    @Test func bizsendNeedsAnAcceptanceAndUsesIt() async throws {
        let (fake, api, token) = try await Self.start()
        defer { Task { await fake.stop() } }
        let body = Array(#"{"touser":"u1","template_id":"SUB","data":{"thing1":{"value":"x"}}}"#.utf8)
        #expect(await Self.errcode { _ = try await api.post(path: FakeWeChatAPI.bizsendPath, accessToken: token, body: body) } == 43101)
        var popup = SimulatedMessage(from: "u1", kind: .event("subscribe_msg_popup_event", key: nil))
        popup.extraXML =
            "<SubscribeMsgPopupEvent><List><TemplateId><![CDATA[SUB]]></TemplateId><SubscribeStatusString><![CDATA[accept]]></SubscribeStatusString><PopupScene>2</PopupScene></List></SubscribeMsgPopupEvent>"
        fake.observe(popup)
        #expect(await Self.errcode { _ = try await api.post(path: FakeWeChatAPI.bizsendPath, accessToken: token, body: body) } == 0)
        #expect(await Self.errcode { _ = try await api.post(path: FakeWeChatAPI.bizsendPath, accessToken: token, body: body) } == 43101)
    }

    @Test func mediaUploadChecksPartTypeExtensionAndSizeAndSendsRefuseExpiredMedia() async throws {
        let (fake, api, token) = try await Self.start()
        defer { Task { await fake.stop() } }
        func upload(_ type: String, _ bytes: [UInt8], filename: String) async -> (Int, String?) {
            let (body, contentType) = MediaUploader.multipart(bytes, filename: filename)
            do {
                let answer = try await api.post(path: FakeWeChatAPI.mediaUploadPath, accessToken: token, body: body, query: [("type", type)], contentType: contentType)
                return (0, answer["media_id"]?.string ?? answer["thumb_media_id"]?.string)
            } catch {
                return (error.errcode ?? -2, nil)
            }
        }
        #expect(await upload("gif", [1], filename: "a.gif").0 == 40004)
        #expect(await upload("image", [1], filename: "a.mp3").0 == 40005)
        #expect(await upload("image", [1], filename: "noextension").0 == 40005)
        #expect(await upload("image", [], filename: "a.png").0 == 41005)
        #expect(await upload("image", [UInt8](repeating: 0, count: (2 << 20) + 1), filename: "a.jpg").0 == 40009)
        #expect(await upload("thumb", [UInt8](repeating: 0, count: (64 << 10) + 1), filename: "a.jpg").0 == 40012)
        let (code, mediaID) = await upload("image", [1, 2, 3], filename: "a.png")
        #expect(code == 0)
        let id = try #require(mediaID)
        let send = { (id: String) in CustomerServiceMessage(toUser: "u1", content: .image(mediaID: id)).jsonBody() }
        #expect(await Self.errcode { _ = try await api.post(path: FakeWeChatAPI.sendPath, accessToken: token, body: send(id)) } == 0)
        #expect(await Self.errcode { _ = try await api.post(path: FakeWeChatAPI.sendPath, accessToken: token, body: send(FakeWeChatAPI.mediaPrefix + "never")) } == 40007)
        fake.expireMediaNow()
        #expect(await Self.errcode { _ = try await api.post(path: FakeWeChatAPI.sendPath, accessToken: token, body: send(id)) } == 40007)
        #expect(fake.mediaUploads == 1)
    }

    @Test func sendsFollowTheWindowsOfThePushesTheFakeWasToldOf() async throws {
        let (fake, api, token) = try await Self.start()
        defer { Task { await fake.stop() } }
        let text = { (user: String) in CustomerServiceMessage(toUser: user, content: .text("hi")).jsonBody() }
        // A user the fake never heard of is not limited.
        for _ in 0..<7 { #expect(await Self.errcode { _ = try await api.post(path: FakeWeChatAPI.sendPath, accessToken: token, body: text("stranger")) } == 0) }
        // Two days ago: the window is closed.
        fake.observe(SimulatedMessage(from: "old", kind: .text("hi"), createTime: WallClock.seconds() - 49 * 3600))
        #expect(await Self.errcode { _ = try await api.post(path: FakeWeChatAPI.sendPath, accessToken: token, body: text("old")) } == 45015)
        // A message: five, then 45047.
        fake.observe(SimulatedMessage(from: "m", kind: .text("hi")))
        var codes: [Int] = []
        for _ in 0..<6 { codes.append(await Self.errcode { _ = try await api.post(path: FakeWeChatAPI.sendPath, accessToken: token, body: text("m")) }) }
        #expect(codes == [0, 0, 0, 0, 0, 45047])
        // A menu click: three.
        fake.observe(SimulatedMessage(from: "c", kind: .event("CLICK", key: "K1")))
        codes = []
        for _ in 0..<4 { codes.append(await Self.errcode { _ = try await api.post(path: FakeWeChatAPI.sendPath, accessToken: token, body: text("c")) }) }
        #expect(codes == [0, 0, 0, 45047])
        // A VIEW click opens nothing.
        fake.observe(SimulatedMessage(from: "v", kind: .event("VIEW", key: "https://x")))
        #expect(await Self.errcode { _ = try await api.post(path: FakeWeChatAPI.sendPath, accessToken: token, body: text("v")) } == 45015)
        // Unfollowing closes every window.
        fake.observe(SimulatedMessage(from: "gone", kind: .text("bye")))
        fake.observe(SimulatedMessage(from: "gone", kind: .event("unsubscribe", key: nil)))
        #expect(await Self.errcode { _ = try await api.post(path: FakeWeChatAPI.sendPath, accessToken: token, body: text("gone")) } == 45015)
        // Over 2 048 bytes: 45002.
        let long = CustomerServiceMessage(toUser: "stranger", content: .text(String(repeating: "a", count: 2049))).jsonBody()
        #expect(await Self.errcode { _ = try await api.post(path: FakeWeChatAPI.sendPath, accessToken: token, body: long) } == 45002)
    }
}
