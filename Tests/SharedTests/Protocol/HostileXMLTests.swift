import Testing

@testable import Shared

/// Hostile and broken XML bodies: each gives its typed error, quickly, never a crash or a hang.
@Suite struct HostileXMLTests {
    @Test func doctypeWithExternalEntity() {
        let xxe = """
            <?xml version="1.0"?>
            <!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
            <xml><ToUserName>&xxe;</ToUserName><FromUserName>a</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType></xml>
            """
        #expect(throws: WeChatXMLError.declarationNotAllowed) { try WeChatXML.parse(xxe) }
        #expect(throws: InboundMessageError.xml(.declarationNotAllowed)) { try InboundMessage(xml: Array(xxe.utf8)) }
    }

    @Test func billionLaughs() {
        var doc = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n<!ENTITY lol \"lol\">\n"
        for level in 1...9 {
            doc += "<!ENTITY lol\(level) \"" + String(repeating: "&lol\(level == 1 ? "" : String(level - 1));", count: 10) + "\">\n"
        }
        doc += "]>\n<xml><Content>&lol9;</Content></xml>"
        #expect(throws: WeChatXMLError.declarationNotAllowed) { try WeChatXML.parse(doc) }
    }

    @Test func otherDeclarationsAndLowercaseDoctype() {
        for doc in [
            "<!doctype xml><xml/>", "<!ELEMENT xml ANY><xml/>", "<xml><!ENTITY a 'b'></xml>", "<!ATTLIST xml a CDATA #IMPLIED><xml/>",
            "<xml/><!DOCTYPE x>",
        ] {
            #expect(throws: WeChatXMLError.declarationNotAllowed, "\(doc)") { try WeChatXML.parse(doc) }
        }
    }

    @Test func processingInstructionsAreRefused() throws {
        // `<?pi?>` (no data) crashed swift-corelibs-foundation's XMLParser, the parser used before: found by Fuzz/FuzzXML.
        for doc in [
            "<xml><?eTim?></xml>", "<xml><?pi data?></xml>", "<?pi?><xml/>", " <?xml version=\"1.0\"?><xml/>",
            "<xml/><?xml version=\"1.0\"?>", "<?xml-stylesheet href=\"a\"?><xml/>",
        ] {
            #expect(throws: WeChatXMLError.processingInstructionNotAllowed, "\(doc)") { try WeChatXML.parse(doc) }
        }
        #expect(try WeChatXML.parse("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<xml><A>1</A></xml>") == [XMLField("A", "1")])
        #expect(try WeChatXML.parse([0xEF, 0xBB, 0xBF] + Array("<?xml version=\"1.0\"?><xml><A>1</A></xml>".utf8)) == [XMLField("A", "1")])
        #expect(try WeChatXML.parse("<xml><A><![CDATA[<?pi?>]]></A><!-- <?pi?> --></xml>") == [XMLField("A", "<?pi?>")])
    }

    @Test func undeclaredEntityReferenceIsRefused() {
        // Without a DTD an undeclared entity is a well-formedness error: libxml2's reader stops there.
        let error = #expect(throws: WeChatXMLError.self) { try WeChatXML.parse("<xml><Content>&xxe;</Content></xml>") }
        guard case .malformed = error else {
            Issue.record("expected .malformed, got \(String(describing: error))")
            return
        }
    }

    @Test func tenThousandDeepNesting() {
        let doc = "<xml>" + String(repeating: "<a>", count: 10_000) + String(repeating: "</a>", count: 10_000) + "</xml>"
        #expect(throws: WeChatXMLError.tooDeep(32)) { try WeChatXML.parse(doc) }
        // Unclosed, too: the depth cap fires before the parser notices the truncation.
        #expect(throws: WeChatXMLError.tooDeep(32)) { try WeChatXML.parse(String(repeating: "<a>", count: 10_000)) }
    }

    @Test func depthLimitIsExact() throws {
        let limits = WeChatXML.Limits(maxDepth: 3)
        #expect(try WeChatXML.parse("<xml><a><b/></a></xml>", limits: limits).first?.children.first?.name == "b")
        #expect(throws: WeChatXMLError.tooDeep(3)) { try WeChatXML.parse("<xml><a><b><c/></b></a></xml>", limits: limits) }
    }

    @Test func truncatedXML() {
        let full = WeChatFixtures.text
        for cut in [1, 10, full.utf8.count / 2, full.utf8.count - 3] {
            let truncated = Array(full.utf8.prefix(cut))
            #expect("truncated at \(cut)") {
                try WeChatXML.parse(truncated)
            } throws: { error in
                guard case WeChatXMLError.malformed = error else { return false }
                return true
            }
        }
        #expect(throws: WeChatXMLError.malformed(line: 0, column: 0, message: "unterminated CDATA section")) {
            try WeChatXML.parse("<xml><Content><![CDATA[abc</Content></xml>")
        }
    }

    @Test func malformedShapes() {
        for doc in ["", "   ", "not xml", "<xml>", "<xml></XML>", "<xml><a></b></xml>", "<xml/><xml/>", "<xml>]]></xml>", "<?xml version=\"1.0\"?>"] {
            #expect("\(doc)") {
                try WeChatXML.parse(doc)
            } throws: { error in
                guard case WeChatXMLError.malformed = error else { return false }
                return true
            }
        }
    }

    @Test func sizeAndElementCaps() {
        let big = [UInt8](repeating: 0x20, count: (1 << 20) + 1)
        #expect(throws: WeChatXMLError.tooLarge((1 << 20) + 1)) { try WeChatXML.parse(big) }
        let many = "<xml>" + String(repeating: "<a/>", count: 11) + "</xml>"
        #expect(throws: WeChatXMLError.tooManyElements(10)) { try WeChatXML.parse(many, limits: .init(maxElements: 10)) }
    }

    @Test func rootMustBeXml() {
        #expect(throws: WeChatXMLError.unexpectedRoot("root")) { try WeChatXML.parse("<root><a>1</a></root>") }
    }

    @Test func commentsAndDeclarationsInsideCDATAAreFine() throws {
        let fields = try WeChatXML.parse("<?xml version=\"1.0\" encoding=\"UTF-8\"?><!-- <!DOCTYPE --><xml><A><![CDATA[<!ENTITY x>]]></A><B>a &amp; b &#x4F60;</B></xml>")
        #expect(fields == [XMLField("A", "<!ENTITY x>"), XMLField("B", "a & b 你")])
    }

    @Test func controlCharactersArriveUnchanged() throws {
        // XML 1.0 forbids U+0002 and U+001D, but users send them (silenceper/wechat#750).
        let content = "a\u{02}b\u{1D}c\u{00}d"
        let fields = try WeChatXML.parse("<xml><Content><![CDATA[\(content)]]></Content><Plain>x\u{01}y</Plain></xml>")
        #expect(fields == [XMLField("Content", content), XMLField("Plain", "x\u{01}y")])
    }

    @Test func controlCharactersNextToOurPlaceholdersAreReplacedNotConfused() throws {
        let fields = try WeChatXML.parse("<xml><A>\u{10FF02}</A><B>x\u{02}y</B></xml>")
        #expect(fields == [XMLField("A", "\u{10FF02}"), XMLField("B", "x\u{FFFD}y")])
    }

    @Test func invalidUTF8IsRepaired() throws {
        // A multibyte character cut in half (w7corp/easywechat#989).
        var bytes = Array("<xml><Content><![CDATA[你".utf8)
        bytes.removeLast()
        bytes += Array("]]></Content></xml>".utf8)
        #expect(try WeChatXML.parse(bytes) == [XMLField("Content", "\u{FFFD}")])
    }

    @Test func carriageReturnsInCDATASurvive() throws {
        let value = try #require(try WeChatXML.parse("<xml><A><![CDATA[a\r\nb\rc]]></A></xml>").first?.value)
        #expect(Array(value.unicodeScalars) == Array("a\r\nb\rc".unicodeScalars))
    }
}
