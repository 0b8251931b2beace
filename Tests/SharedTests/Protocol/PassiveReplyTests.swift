import Testing

@testable import Shared

@Suite struct PassiveReplyTests {
    let head = "<xml><ToUserName><![CDATA[oUser]]></ToUserName><FromUserName><![CDATA[gh_x]]></FromUserName><CreateTime>1700000000</CreateTime>"

    func reply(_ content: PassiveReply.Content) -> PassiveReply {
        PassiveReply(toUserName: "oUser", fromUserName: "gh_x", createTime: 1_700_000_000, content: content)
    }

    @Test func text() {
        #expect(reply(.text("你好\n😀")).xml == head + "<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[你好\n😀]]></Content></xml>")
    }

    @Test func textWithCDATATerminatorIsSplit() throws {
        let xml = reply(.text("a]]>b")).xml
        #expect(xml.contains("<Content><![CDATA[a]]]]><![CDATA[>b]]></Content>"))
        #expect(try WeChatXML.parse(xml).first { $0.name == "Content" }?.value == "a]]>b")
    }

    @Test func forbiddenCharactersAreLeftOut() {
        #expect(reply(.text("a\u{02}b\u{FFFF}c\td")).xml.contains("<Content><![CDATA[abc\td]]></Content>"))
    }

    @Test func media() {
        #expect(reply(.image(mediaID: "M")).xml == head + "<MsgType><![CDATA[image]]></MsgType><Image><MediaId><![CDATA[M]]></MediaId></Image></xml>")
        #expect(reply(.voice(mediaID: "M")).xml == head + "<MsgType><![CDATA[voice]]></MsgType><Voice><MediaId><![CDATA[M]]></MediaId></Voice></xml>")
        #expect(
            reply(.video(mediaID: "M", title: "T", description: nil)).xml
                == head + "<MsgType><![CDATA[video]]></MsgType><Video><MediaId><![CDATA[M]]></MediaId><Title><![CDATA[T]]></Title></Video></xml>")
    }

    @Test func music() {
        let music = PassiveReply.Music(title: "T", description: "D", musicURL: "http://m", hqMusicURL: "http://hq", thumbMediaID: "TH")
        #expect(
            reply(.music(music)).xml == head + "<MsgType><![CDATA[music]]></MsgType><Music><Title><![CDATA[T]]></Title>"
                + "<Description><![CDATA[D]]></Description><MusicUrl><![CDATA[http://m]]></MusicUrl><HQMusicUrl><![CDATA[http://hq]]></HQMusicUrl>"
                + "<ThumbMediaId><![CDATA[TH]]></ThumbMediaId></Music></xml>")
    }

    @Test func news() {
        let article = PassiveReply.Article(title: "T", description: "D", picURL: "http://p", url: "http://u?a=1&b=2")
        #expect(
            reply(.news(article)).xml == head + "<MsgType><![CDATA[news]]></MsgType><ArticleCount>1</ArticleCount><Articles><item>"
                + "<Title><![CDATA[T]]></Title><Description><![CDATA[D]]></Description><PicUrl><![CDATA[http://p]]></PicUrl>"
                + "<Url><![CDATA[http://u?a=1&b=2]]></Url></item></Articles></xml>")
    }

    @Test func transferToCustomerService() {
        #expect(reply(.transferCustomerService(kfAccount: nil)).xml == head + "<MsgType><![CDATA[transfer_customer_service]]></MsgType></xml>")
        #expect(
            reply(.transferCustomerService(kfAccount: "kf@gh")).xml
                == head + "<MsgType><![CDATA[transfer_customer_service]]></MsgType><TransInfo><KfAccount><![CDATA[kf@gh]]></KfAccount></TransInfo></xml>")
    }

    @Test func replyingSwapsUserAndAccount() throws {
        let message = try InboundMessage(xml: Array(WeChatFixtures.text.utf8))
        let reply = PassiveReply(replyingTo: message, createTime: 5, content: .text("hi"))
        #expect(reply.toUserName == "oyORnuP8q7ou2gfYjqLzSIWZf0rs")
        #expect(reply.fromUserName == "gh_10f6c3c3ac5a")
        #expect(PassiveReply.acknowledgement == "success")
    }

    @Test func everyReplyIsWellFormedXML() throws {
        let contents: [PassiveReply.Content] = [
            .text("x"), .image(mediaID: "m"), .voice(mediaID: "m"), .video(mediaID: "m", title: "t", description: "d"),
            .music(.init(thumbMediaID: "t")), .news(.init(title: "t", description: "d", picURL: "p", url: "u")),
            .transferCustomerService(kfAccount: "k"),
        ]
        for content in contents {
            let fields = try WeChatXML.parse(reply(content).xml)
            #expect(fields.map(\.name).prefix(4) == ["ToUserName", "FromUserName", "CreateTime", "MsgType"])
        }
    }

    @Test func encryptedReplyDecryptsToThePlainReply() throws {
        let crypto = try WeChatMessageCrypto(appID: CryptoVectors.tv3AppID, encodingAESKey: CryptoVectors.tv3Key)
        let plain = reply(.text("hi"))
        let envelope = try crypto.encryptedReply(plain.xml, token: "pamtest", timestamp: "1409304348", nonce: "xxxxxx")
        let fields = try WeChatXML.parse(envelope)
        #expect(fields.map(\.name) == ["Encrypt", "MsgSignature", "TimeStamp", "Nonce"])
        let encrypt = try #require(fields.first?.value)
        #expect(fields[1].value == WeChatSignature.messageSignature(token: "pamtest", timestamp: "1409304348", nonce: "xxxxxx", encrypt: encrypt))
        #expect(fields[2].value == "1409304348" && fields[3].value == "xxxxxx")
        #expect(try crypto.decrypt(encrypt).message == Array(plain.xml.utf8))
    }
}
