import Testing

@testable import Shared

/// ``XMLFastPath`` against the full parser (pre-flight + libxml2): whatever the fast path accepts, the full
/// parser accepts with exactly the same fields; whatever else it meets, it leaves to the full parser.
@Suite struct XMLFastPathTests {
    /// SplitMix64: the same documents on every run.
    struct SeededGenerator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// Checks one document both ways; true when the fast path took it.
    @discardableResult
    func agree(_ bytes: [UInt8], limits: WeChatXML.Limits = .default, sourceLocation: SourceLocation = #_sourceLocation) -> Bool {
        guard let fast = XMLFastPath.parse(bytes, limits: limits) else { return false }
        let full = Result { () throws(WeChatXMLError) -> [XMLField] in try WeChatXML.parseFully(bytes, limits: limits) }
        #expect((try? full.get()) == fast, "\(String(decoding: bytes, as: UTF8.self).debugDescription)", sourceLocation: sourceLocation)
        return true
    }

    @Test func takesWeChatsCommonShapes() throws {
        let plain = """
            <xml><ToUserName><![CDATA[gh_123]]></ToUserName><FromUserName><![CDATA[oUser]]></FromUserName>\
            <CreateTime>1714036504</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[你好 👋 <b>&amp; ]] ]>]]></Content>\
            <MsgId>6054768590064713728</MsgId></xml>
            """
        #expect(agree(Array(plain.utf8)))
        let spaced = "<xml>\n  <ToUserName><![CDATA[gh_1]]></ToUserName>\r\n  <Encrypt><![CDATA[abc+/=]]></Encrypt>\n</xml>\n"
        #expect(agree(Array(spaced.utf8)))
        #expect(agree(Array("<xml><A></A><B><![CDATA[]]></B><C> \t\n </C></xml>".utf8)))
        #expect(agree(Array("<xml></xml>".utf8)))
        #expect(try WeChatXML.parse(plain)[4] == XMLField("Content", "你好 👋 <b>&amp; ]] ]>"))
    }

    @Test func leavesEverythingElseToTheFullParser() {
        for doc in [
            "<?xml version=\"1.0\"?><xml><A>1</A></xml>", " <xml><A>1</A></xml>", "\u{FEFF}<xml><A>1</A></xml>",
            "<xml><A>a&amp;b</A></xml>", "<xml><A>a>b</A></xml>", "<xml><A>a\r\nb</A></xml>", "<xml><A><![CDATA[a\rb]]></A></xml>",
            "<xml><A>x<![CDATA[y]]></A></xml>", "<xml><A><![CDATA[y]]>x</A></xml>", "<xml><A/></xml>", "<xml><A a=\"1\">1</A></xml>",
            "<xml><A >1</A></xml>", "<xml><A>1</B></xml>", "<xml><A>1</AB></xml>", "<xml><A><B>1</B></A></xml>", "<xml><!-- c --><A>1</A></xml>",
            "<xml><A>\u{1}</A></xml>", "<xml><A>\u{FFFE}</A></xml>", "<xml><A><![CDATA[\u{FFFF}]]></A></xml>", "<xml>text<A>1</A></xml>",
            "<xml><A>1</A></xml><B/>", "<xml><A>1</A>", "<xml><a:b>1</a:b></xml>", "<xml><1A>1</1A></xml>", "<XML><A>1</A></XML>",
            "<xml><A><![CDATA[1]></A></xml>",
        ] {
            #expect(XMLFastPath.parse(Array(doc.utf8), limits: .default) == nil, "\(doc.debugDescription)")
        }
        #expect(XMLFastPath.parse([0x3C, 0x78, 0x6D, 0x6C, 0x3E, 0x3C, 0x41, 0x3E, 0xFF, 0x3C, 0x2F, 0x41, 0x3E, 0x3C, 0x2F, 0x78, 0x6D, 0x6C, 0x3E], limits: .default) == nil)
    }

    @Test func leavesTheLimitsToTheFullParser() {
        let doc = Array("<xml><A>1</A><B>2</B></xml>".utf8)
        #expect(XMLFastPath.parse(doc, limits: WeChatXML.Limits(maxElements: 2)) == nil)
        #expect(agree(doc, limits: WeChatXML.Limits(maxElements: 3)))
        #expect(XMLFastPath.parse(doc, limits: WeChatXML.Limits(maxDepth: 1)) == nil)
        #expect(throws: WeChatXMLError.tooManyElements(2)) { try WeChatXML.parse(doc, limits: WeChatXML.Limits(maxElements: 2)) }
    }

    /// Random documents from fragments that sit at the fast path's edges: every one it takes, the full
    /// parser reads the same way.
    @Test func agreesOnRandomDocuments() {
        var generator = SeededGenerator(state: 17)
        let names = ["A", "Content", "_x1", "MsgId", "B"]
        let content: [[UInt8]] =
            [
                "hi", " ", "\t", "\n", "\r", "\r\n", "&", "&amp;", "&#65;", ">", "<", "]]", "]", "]]>", "中文", "👋", "\u{1}", "\u{7F}", "\u{85}",
                "\u{FFFD}", "\u{FFFE}", "\u{FFFF}", "\u{10FF01}", "<![CDATA[", "'\"", "<B/>",
            ].map { Array($0.utf8) } + [[0xFF], [0xC3], [0xED, 0xA0, 0x80], [0xF4, 0x8F, 0xBC, 0x81]]
        func pick<T>(_ options: [T]) -> T { options[Int(generator.next() % UInt64(options.count))] }
        var taken = 0
        for _ in 0..<4000 {
            var doc: [UInt8] = Array("<xml>".utf8)
            for _ in 0..<Int(generator.next() % 4) {
                doc += Array(pick(["", " ", "\n", "\r\n\t"]).utf8)
                let name = pick(names)
                doc += Array("<\(name)>".utf8)
                let cdata = generator.next() % 2 == 0
                if cdata { doc += Array("<![CDATA[".utf8) }
                for _ in 0..<Int(generator.next() % 4) { doc += pick(content) }
                if cdata { doc += Array("]]>".utf8) }
                doc += Array("</\(generator.next() % 16 == 0 ? pick(names) : name)>".utf8)
            }
            doc += Array("</xml>".utf8) + Array(pick(["", "\n", " \r\n", "x"]).utf8)
            if agree(doc) { taken += 1 }
        }
        #expect(taken > 400)
    }
}
