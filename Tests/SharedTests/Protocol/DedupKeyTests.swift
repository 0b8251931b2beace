import Testing

@testable import Shared

@Suite struct DedupKeyTests {
    func message(_ xml: String) throws -> InboundMessage {
        try InboundMessage(xml: Array(xml.utf8))
    }

    @Test func messagesUseMsgIdWithSenderAndTime() throws {
        #expect(try message(WeChatFixtures.text).dedupKey.rawValue == "m:6054768590064713728:oyORnuP8q7ou2gfYjqLzSIWZf0rs:1409735668")
    }

    @Test func eventsUseSenderTimeEventAndKey() throws {
        #expect(try message(WeChatFixtures.click).dedupKey.rawValue == "e:fromUser:1400000000:CLICK:EVENTKEY")
        #expect(try message(WeChatFixtures.subscribe).dedupKey.rawValue == "e:fromUser:1400000000:subscribe:")
        #expect(try message(WeChatFixtures.unsubscribe).dedupKey.rawValue == "e:fromUser:1400000000:unsubscribe:")
    }

    @Test func sameSecondDifferentEventsDoNotCollide() throws {
        let location = try message(WeChatFixtures.event("LOCATION", "<Latitude>1</Latitude>"))
        let unsubscribe = try message(WeChatFixtures.event("unsubscribe", ""))
        let clickA = try message(WeChatFixtures.event("CLICK", "<EventKey>A</EventKey>"))
        let clickB = try message(WeChatFixtures.event("CLICK", "<EventKey>B</EventKey>"))
        #expect(Set([location.dedupKey, unsubscribe.dedupKey, clickA.dedupKey, clickB.dedupKey]).count == 4)
    }

    @Test func aRetryHasTheSameKey() throws {
        let first = try message(WeChatFixtures.voice)
        let retry = try message(WeChatFixtures.voice)
        #expect(first.dedupKey == retry.dedupKey)
    }

    @Test func templateEventsWithMsgIDAreEventsKeyedByTheirJobID() throws {
        // `MsgID` (capital D) is the template message's id, not an inbound MsgId: still an event key, with the id.
        #expect(try message(WeChatFixtures.templateSendJobFinish).dedupKey.rawValue == "e:fromUser:1400000000:TEMPLATESENDJOBFINISH::200163836")
    }

    @Test func twoReceiptsOfOneUserInOneSecondDoNotCollide() throws {
        let first = try message(WeChatFixtures.event("TEMPLATESENDJOBFINISH", "<MsgID>200163836</MsgID><Status>success</Status>"))
        let second = try message(WeChatFixtures.event("TEMPLATESENDJOBFINISH", "<MsgID>200163837</MsgID><Status>success</Status>"))
        #expect(first.dedupKey != second.dedupKey)
        let massA = try message(WeChatFixtures.event("MASSSENDJOBFINISH", "<MsgID>1000001625</MsgID><Status>send success</Status>"))
        let massB = try message(WeChatFixtures.event("MASSSENDJOBFINISH", "<MsgID>1000001626</MsgID><Status>send success</Status>"))
        #expect(massA.dedupKey != massB.dedupKey)
        #expect(try message(WeChatFixtures.event("MASSSENDJOBFINISH", "<MsgID>1000001625</MsgID>")).dedupKey == massA.dedupKey)
    }

    @Test func maskedKeysHideTheOpenID() throws {
        let text = try message(WeChatFixtures.text).dedupKey
        #expect(text.masked == "m:6054768590064713728:oyOR***rs:1409735668")
        #expect(!text.masked.contains("oyORnuP8q7ou2gfYjqLzSIWZf0rs"))
        let click = try message(WeChatFixtures.event("CLICK", "<EventKey>K</EventKey>", from: "oUserWithALongOpenID"))
        #expect(click.dedupKey.masked.hasPrefix("e:oUse***ID:"))
    }

    @Test func unknownTypesWithoutMsgIdUseTheirType() throws {
        let xml = "<xml><ToUserName>gh</ToUserName><FromUserName>o</FromUserName><CreateTime>5</CreateTime><MsgType>brandnew</MsgType></xml>"
        #expect(try message(xml).dedupKey.rawValue == "e:o:5:brandnew:")
        let emptyMsgId = "<xml><ToUserName>gh</ToUserName><FromUserName>o</FromUserName><CreateTime>5</CreateTime><MsgType>text</MsgType><MsgId></MsgId></xml>"
        #expect(try message(emptyMsgId).dedupKey.rawValue == "e:o:5:text:")
    }

    @Test func longOrOddPartsAreHashedSoKeysStayBoundedAndUnambiguous() throws {
        let url = "https://example.com/" + String(repeating: "a", count: 500)
        let view = try message(WeChatFixtures.event("VIEW", "<EventKey><![CDATA[\(url)]]></EventKey>"))
        let key = view.dedupKey.rawValue
        #expect(key.hasPrefix("e:fromUser:1400000000:VIEW:~"))
        #expect(key.utf8.count == "e:fromUser:1400000000:VIEW:~".utf8.count + 32)
        // A colon in a part cannot forge another part.
        let colon = try message(WeChatFixtures.event("CLICK", "<EventKey>a:b</EventKey>", from: "x"))
        #expect(colon.dedupKey.rawValue.split(separator: ":").count == 5)
        #expect(DedupKey.part("中文") != "中文" && DedupKey.part("中文").hasPrefix("~"))
    }
}
