import Testing

@testable import Shared

@Suite struct CustomerServiceMessageTests {
    func json(_ content: CustomerServiceMessage.Content, kf: String? = nil) -> String {
        String(decoding: CustomerServiceMessage(toUser: "OPENID", content: content, kfAccount: kf).jsonBody(), as: UTF8.self)
    }

    static let all: [CustomerServiceMessage.Content] = [
        .text("Hello <a href=\"https://x/y\">链接</a> 😀"),
        .image(mediaID: "MEDIA_ID"),
        .voice(mediaID: "MEDIA_ID"),
        .video(mediaID: "M", thumbMediaID: "T", title: "t", description: "d"),
        .music(.init(title: "t", description: "d", musicURL: "http://m", hqMusicURL: "http://hq", thumbMediaID: "T")),
        .news(.init(title: "t", description: "d", url: "http://u", picURL: "http://p")),
        .mpnews(mediaID: "MEDIA_ID"),
        .mpnewsArticle(articleID: "ARTICLE_ID"),
        .menu(.init(headContent: "您对本次服务是否满意呢? ", items: [.init(id: "101", content: "满意"), .init(id: "102", content: "不满意")], tailContent: "欢迎再次光临")),
        .wxcard(cardID: "CARD"),
        .miniProgramPage(title: "t", appID: "wxapp", pagePath: "pages/index", thumbMediaID: "T"),
    ]

    @Test func exactBodies() {
        #expect(json(.text("Hello World")) == #"{"msgtype":"text","text":{"content":"Hello World"},"touser":"OPENID"}"#)
        #expect(json(.image(mediaID: "M")) == #"{"image":{"media_id":"M"},"msgtype":"image","touser":"OPENID"}"#)
        #expect(json(.voice(mediaID: "M")) == #"{"msgtype":"voice","touser":"OPENID","voice":{"media_id":"M"}}"#)
        #expect(
            json(.video(mediaID: "M", thumbMediaID: "T", title: "t", description: "d"))
                == #"{"msgtype":"video","touser":"OPENID","video":{"description":"d","media_id":"M","thumb_media_id":"T","title":"t"}}"#)
        #expect(
            json(.music(.init(title: "t", description: "d", musicURL: "http://m", hqMusicURL: "http://hq", thumbMediaID: "T")))
                == #"{"msgtype":"music","music":{"description":"d","hqmusicurl":"http://hq","musicurl":"http://m","thumb_media_id":"T","title":"t"},"touser":"OPENID"}"#)
        #expect(
            json(.news(.init(title: "t", description: "d", url: "http://u", picURL: "http://p")))
                == #"{"msgtype":"news","news":{"articles":[{"description":"d","picurl":"http://p","title":"t","url":"http://u"}]},"touser":"OPENID"}"#)
        #expect(json(.mpnews(mediaID: "M")) == #"{"mpnews":{"media_id":"M"},"msgtype":"mpnews","touser":"OPENID"}"#)
        #expect(json(.mpnewsArticle(articleID: "A")) == #"{"mpnewsarticle":{"article_id":"A"},"msgtype":"mpnewsarticle","touser":"OPENID"}"#)
        #expect(
            json(.menu(.init(headContent: "h", items: [.init(id: "101", content: "满意")], tailContent: "t")))
                == #"{"msgmenu":{"head_content":"h","list":[{"content":"满意","id":"101"}],"tail_content":"t"},"msgtype":"msgmenu","touser":"OPENID"}"#)
        #expect(json(.wxcard(cardID: "C")) == #"{"msgtype":"wxcard","touser":"OPENID","wxcard":{"card_id":"C"}}"#)
        #expect(
            json(.miniProgramPage(title: "t", appID: "wxa", pagePath: "p/i", thumbMediaID: "T"))
                == #"{"miniprogrampage":{"appid":"wxa","pagepath":"p/i","thumb_media_id":"T","title":"t"},"msgtype":"miniprogrampage","touser":"OPENID"}"#)
    }

    @Test func kfAccountAndOptionalFields() {
        #expect(
            json(.text("hi"), kf: "test1@kftest")
                == #"{"customservice":{"kf_account":"test1@kftest"},"msgtype":"text","text":{"content":"hi"},"touser":"OPENID"}"#)
        #expect(
            json(.video(mediaID: "M", thumbMediaID: "T", title: nil, description: nil))
                == #"{"msgtype":"video","touser":"OPENID","video":{"media_id":"M","thumb_media_id":"T"}}"#)
    }

    @Test func nonASCIIAndSlashesStayReadableAndNewlinesAreEscaped() {
        #expect(json(.text("中文/😀\n\"")) == #"{"msgtype":"text","text":{"content":"中文/😀\n\""},"touser":"OPENID"}"#)
    }

    @Test(arguments: all)
    func roundTrips(_ content: CustomerServiceMessage.Content) throws {
        let message = CustomerServiceMessage(toUser: "o", content: content, kfAccount: "kf@x")
        #expect(try CustomerServiceMessage(jsonBody: message.jsonBody()) == message)
    }

    @Test func badBodiesAreTypedErrors() {
        for body in [
            "", "{}", #"{"touser":"o","msgtype":"fax"}"#, #"{"touser":"o","msgtype":"text"}"#,
            #"{"touser":"o","msgtype":"news","news":{"articles":[]}}"#,
        ] {
            #expect(throws: CustomerServiceMessageError.self, "\(body)") { try CustomerServiceMessage(jsonBody: Array(body.utf8)) }
        }
    }
}
