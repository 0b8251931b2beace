import Shared
import Testing

/// The 2 047-byte rule of passive texts: joined while they fit, cut between characters, the rest later.
@Suite struct PassiveTextTests {
    @Test func textsAreJoinedWhileTheyFit() {
        let (answer, rest) = PassiveText.fit(["one", "two", String(repeating: "x", count: 2_040)])
        #expect(answer == "one\n\ntwo")
        #expect(rest == [String(repeating: "x", count: 2_040)])
    }

    @Test func aLongFirstTextIsSplitBetweenCharactersAndTheRestFollows() {
        // 3-byte characters: 682 of them are 2 046 bytes; the 683rd would make 2 049.
        let text = String(repeating: "汉", count: 1_000)
        let (answer, rest) = PassiveText.fit([text, "after"])
        #expect(answer == String(repeating: "汉", count: 682))
        #expect(answer.map { $0.utf8.count <= PassiveText.maximumBytes } == true)
        #expect(rest == [String(repeating: "汉", count: 318), "after"])
        // Nothing is lost: the answer and the first of the rest are the whole text.
        #expect((answer ?? "") + rest[0] == text)
    }

    @Test func truncationEndsWithAnEllipsisAndDropsOnlyTheRemainder() {
        let text = String(repeating: "a", count: 3_000)
        let (answer, rest) = PassiveText.fit([text, "after"], truncate: true)
        #expect(answer?.hasSuffix(PassiveText.ellipsis) == true)
        #expect(answer?.utf8.count == PassiveText.maximumBytes)
        #expect(rest == ["after"])
    }

    @Test func emojiAreNeverCut() {
        let text = String(repeating: "👨‍👩‍👧", count: 200)  // 18 bytes each
        let (answer, rest) = PassiveText.fit([text])
        #expect(answer.map { $0.utf8.count <= PassiveText.maximumBytes && $0.allSatisfy { $0 == "👨‍👩‍👧" } } == true)
        #expect((answer ?? "") + rest.joined() == text)
    }

    @Test func noTextNoAnswer() {
        let (answer, rest) = PassiveText.fit([])
        #expect(answer == nil)
        #expect(rest.isEmpty)
    }
}

/// The envelope carries the reply path; an envelope without it (written before issue 16) is `async`.
@Suite struct ReplyPathEnvelopeTests {
    @Test func theReplyPathRoundTripsAndIsAbsentForAsync() throws {
        let message = try InboundMessage(fields: [
            XMLField("ToUserName", "gh_q"), XMLField("FromUserName", "u"), XMLField("CreateTime", "1"), XMLField("MsgType", "text"),
            XMLField("Content", "hi"), XMLField("MsgId", "7"),
        ])
        for path in ReplyPath.allCases {
            let envelope = MessageEnvelope(appID: "wx", receivedAtMilliseconds: 5, message: message, replyPath: path)
            let bytes = envelope.encoded()
            #expect(try MessageEnvelope(decoding: bytes).replyPath == path)
            #expect(String(decoding: bytes, as: UTF8.self).contains("\"r\":") == (path != .async))
        }
        #expect(ReplyPath.passive.spooled == .deferred && ReplyPath.hybrid.spooled == .async)
    }
}
