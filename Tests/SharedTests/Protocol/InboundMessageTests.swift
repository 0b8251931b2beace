import Testing

@testable import Shared

/// One fixture per message and event type, parsed into its typed view.
@Suite struct InboundMessageTests {
    func parse(_ xml: String) throws -> InboundMessage {
        try InboundMessage(xml: Array(xml.utf8))
    }

    @Test func text() throws {
        let message = try parse(WeChatFixtures.text)
        #expect(message.toUserName == "gh_10f6c3c3ac5a")
        #expect(message.fromUserName == "oyORnuP8q7ou2gfYjqLzSIWZf0rs")
        #expect(message.createTime == 1_409_735_668)
        #expect(message.msgType == "text")
        #expect(message.kind == .text(content: "abcdteT", bizMsgMenuID: nil))
        #expect(message.fields.map(\.name) == ["ToUserName", "FromUserName", "CreateTime", "MsgType", "Content", "MsgId"])
    }

    @Test func cdataIsKeptExactly() throws {
        let message = try parse(WeChatFixtures.textTricky)
        #expect(message.kind == .text(content: "你好 😀 line1\nline2 ]]> end <!DOCTYPE x>", bizMsgMenuID: "101"))
    }

    @Test func image() throws {
        let message = try parse(WeChatFixtures.image)
        #expect(message.kind == .image(picURL: "http://mmbiz.qpic.cn/x.jpg", mediaID: "media_id"))
        #expect(message["MsgDataId"] == "xxxx" && message["Idx"] == "1")
    }

    @Test func voiceWithRecognition() throws {
        #expect(try parse(WeChatFixtures.voice).kind == .voice(mediaID: "media_id", format: "amr", recognition: "腾讯微信团队"))
    }

    @Test func videoAndShortVideo() throws {
        #expect(try parse(WeChatFixtures.video).kind == .video(mediaID: "media_id", thumbMediaID: "thumb_media_id"))
        #expect(try parse(WeChatFixtures.shortVideo).kind == .shortVideo(mediaID: "media_id", thumbMediaID: "thumb_media_id"))
    }

    @Test func location() throws {
        #expect(try parse(WeChatFixtures.location).kind == .location(latitude: 23.134521, longitude: 113.358803, scale: 20, label: "位置信息"))
    }

    @Test func link() throws {
        #expect(
            try parse(WeChatFixtures.link).kind
                == .link(title: "公众平台官网链接", description: "公众平台官网链接", url: "https://mp.weixin.qq.com/s?a=1&b=2"))
    }

    @Test func miniProgramPage() throws {
        #expect(
            try parse(WeChatFixtures.miniProgramPage).kind
                == .miniProgramPage(appID: "wxabc", title: "Title", pagePath: "pages/index", thumbURL: "http://x/t.jpg", thumbMediaID: "thumb"))
    }

    @Test func unknownTypeIsKeptWithAllFields() throws {
        let message = try parse(WeChatFixtures.unknownFile)
        #expect(message.kind == .other(msgType: "file"))
        #expect(message["Title"] == "report.pdf" && message["FileKey"] == "k1" && message["FileTotalLen"] == "1024")
        #expect(message.fields.count == 9)
    }

    func event(_ xml: String) throws -> InboundEvent {
        let message = try parse(xml)
        guard case .event(let event) = message.kind else {
            Issue.record("not an event: \(message.kind)")
            return .other(name: "")
        }
        return event
    }

    @Test func subscribeEvents() throws {
        #expect(try event(WeChatFixtures.subscribe) == .subscribe(scene: nil, ticket: nil))
        #expect(try event(WeChatFixtures.subscribeQR) == .subscribe(scene: "123123", ticket: "TICKET"))
        #expect(try event(WeChatFixtures.unsubscribe) == .unsubscribe)
        #expect(try event(WeChatFixtures.scan) == .scan(scene: "SCENE_VALUE", ticket: "TICKET"))
    }

    @Test func reportAndMenuEvents() throws {
        #expect(try event(WeChatFixtures.locationEvent) == .location(latitude: 23.137466, longitude: 113.352425, precision: 119.385040))
        #expect(try event(WeChatFixtures.click) == .click(key: "EVENTKEY"))
        #expect(try event(WeChatFixtures.view) == .view(url: "http://www.qq.com/", menuID: "208396938"))
        #expect(try event(WeChatFixtures.scanCodePush) == .scanCodePush(key: "6", scanType: "qrcode", scanResult: "1"))
        #expect(try event(WeChatFixtures.scanCodeWaitMsg) == .scanCodeWaitMsg(key: "6", scanType: "qrcode", scanResult: "2"))
        let sums = ["1b5f7c23b5bf75682a53e7b6d163e185", "2b5f7c23b5bf75682a53e7b6d163e185"]
        #expect(try event(WeChatFixtures.picSysPhoto) == .picSysPhoto(key: "6", pictureMD5s: sums))
        #expect(try event(WeChatFixtures.picPhotoOrAlbum) == .picPhotoOrAlbum(key: "6", pictureMD5s: sums))
        #expect(try event(WeChatFixtures.picWeixin) == .picWeixin(key: "6", pictureMD5s: sums))
        #expect(
            try event(WeChatFixtures.locationSelect)
                == .locationSelect(key: "6", latitude: 23, longitude: 113, scale: 15, label: " 广州市海珠区客村艺苑路 106号", poiName: ""))
        #expect(try event(WeChatFixtures.viewMiniProgram) == .viewMiniProgram(pagePath: "pages/index/index", menuID: "MENUID"))
    }

    @Test func jobFinishEvents() throws {
        #expect(try event(WeChatFixtures.templateSendJobFinish) == .templateSendJobFinish(msgID: "200163836", status: "success"))
        let mass = try parse(WeChatFixtures.massSendJobFinish)
        #expect(
            mass.kind
                == .event(
                    .massSendJobFinish(
                        .init(
                            msgID: "1988", status: "err(30003)", totalCount: 100, filterCount: 80, sentCount: 75, errorCount: 5))))
        // Nested results stay in the raw fields.
        let copyright = try #require(mass.field("CopyrightCheckResult"))
        #expect(copyright["CheckState"] == "2")
        #expect(copyright.child("ResultList")?.child("item")?["OriginalArticleUrl"] == "Url_1")
        #expect(mass.field("ArticleUrlResult")?.child("ResultList")?.child("item")?["ArticleUrl"] == "Url")
        #expect(mass.msgID == nil)  // `MsgID`, not `MsgId`
    }

    @Test func subscribeMessageEvents() throws {
        #expect(
            try event(WeChatFixtures.subscribeMsgPopup)
                == .subscribeMessagePopup([
                    .init(templateID: "VRR0UEO9VJOLs0MHlU0OilqX6MVFDwH3_3gz3Oc0NIc", status: "accept", popupScene: "2"),
                    .init(templateID: "9nLIlbOQZC5Y89AZteFEux3WCXRRRG5Wfzkpssu4bLI", status: "reject", popupScene: "2"),
                ]))
        #expect(
            try event(WeChatFixtures.subscribeMsgChange)
                == .subscribeMessageChange([
                    .init(templateID: "VRR0UEO9VJOLs0MHlU0OilqX6MVFDwH3_3gz3Oc0NIc", status: "reject")
                ]))
        #expect(
            try event(WeChatFixtures.subscribeMsgSent)
                == .subscribeMessageSent([
                    .init(templateID: "VRR0UEO9VJOLs0MHlU0OilqX6MVFDwH3_3gz3Oc0NIc", msgID: "1700827132819554304", errorCode: "0", errorStatus: "success")
                ]))
    }

    @Test func customerServiceSessionEvents() throws {
        #expect(try event(WeChatFixtures.kfCreateSession) == .kfCreateSession(kfAccount: "test1@test"))
        #expect(try event(WeChatFixtures.kfCloseSession) == .kfCloseSession(kfAccount: "test1@test"))
        #expect(try event(WeChatFixtures.kfSwitchSession) == .kfSwitchSession(fromKfAccount: "test1@test", toKfAccount: "test2@test"))
    }

    @Test func unknownEventIsKeptWithAllFields() throws {
        let message = try parse(WeChatFixtures.unknownEvent)
        #expect(message.kind == .event(.other(name: "user_get_card")))
        #expect(message["UserCardCode"] == "226009850808" && message["OuterStr"] == "12b")
    }

    @Test func eventNamesAreMatchedWithoutCase() throws {
        #expect(try event(WeChatFixtures.event("scan", "<EventKey>1</EventKey>")) == .scan(scene: "1", ticket: nil))
        #expect(try event(WeChatFixtures.event("Subscribe", "")) == .subscribe(scene: nil, ticket: nil))
    }

    @Test(arguments: WeChatFixtures.all.map(\.name))
    func everyFixtureParsesAndSurvivesTheEnvelope(_ name: String) throws {
        let xml = try #require(WeChatFixtures.all.first { $0.name == name }?.xml)
        let fields = try WeChatXML.parse(xml)
        #expect(fields.first?.name == "ToUserName")
        guard name != "encrypted-envelope" else { return }
        let message = try InboundMessage(fields: fields)
        let envelope = MessageEnvelope(appID: "wx1", receivedAtMilliseconds: 1, message: message)
        #expect(try MessageEnvelope(decoding: envelope.encoded()) == envelope)
    }

    @Test func missingOrInvalidCommonFields() throws {
        #expect(throws: InboundMessageError.missingField("MsgType")) {
            try parse("<xml><ToUserName>a</ToUserName><FromUserName>b</FromUserName><CreateTime>1</CreateTime></xml>")
        }
        #expect(throws: InboundMessageError.missingField("ToUserName")) { try parse("<xml/>") }
        #expect(throws: InboundMessageError.invalidField(name: "CreateTime", value: "soon")) {
            try parse("<xml><ToUserName>a</ToUserName><FromUserName>b</FromUserName><CreateTime>soon</CreateTime><MsgType>text</MsgType></xml>")
        }
        let spaced = try parse("<xml><ToUserName>a</ToUserName><FromUserName>b</FromUserName><CreateTime> 12\n</CreateTime><MsgType>text</MsgType></xml>")
        #expect(spaced.createTime == 12)
        #expect(spaced.kind == .text(content: "", bizMsgMenuID: nil))
    }
}
