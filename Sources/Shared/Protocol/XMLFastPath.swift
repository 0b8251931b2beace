/// The common shape of a WeChat body read in one pass, without libxml2 (issue 17: libxml2's reader cost
/// about as much per push as all the rest of the controller's own work).
///
/// Takes only documents whose meaning is plain: `<xml>` at the very first byte, then flat leaf elements
/// (`<Name>text</Name>`, names ASCII letters, digits and `_`, no attributes), each holding one CDATA section
/// or plain text without `&`, `<`, `>` and carriage returns, with only whitespace between them, and
/// nothing but whitespace after `</xml>`; every byte valid UTF-8 and none of the characters
/// ``XMLPreflight`` has to carry through the parser (C0 controls but tab and line feed, U+FFFE, U+FFFF).
/// For such a document libxml2 returns exactly these fields (no entity, no line-ending normalisation, no
/// declaration to refuse). Anything else — nested fields, an XML declaration, comments, entities,
/// `<Name/>`, limits that would bite — returns nil, and ``WeChatXML`` runs the full parser, which
/// decides (`XMLFastPathTests` checks the two agree).
enum XMLFastPath {
    static func parse(_ bytes: [UInt8], limits: WeChatXML.Limits) -> [XMLField]? {
        guard limits.maxDepth >= 2 else { return nil }
        return bytes.withUnsafeBufferPointer { buffer -> [XMLField]? in
            var reader = Reader(bytes: buffer)
            guard reader.take("<xml>") else { return nil }
            var fields: [XMLField] = []
            while true {
                reader.skipWhitespace()
                if reader.take("</xml>") { break }
                guard fields.count + 2 <= limits.maxElements, let field = reader.leaf() else { return nil }
                fields.append(field)
            }
            reader.skipWhitespace()
            return reader.atEnd ? fields : nil
        }
    }

    private struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0

        var atEnd: Bool { index == bytes.count }

        /// Consumes `literal` when the input continues with it.
        mutating func take(_ literal: StaticString) -> Bool {
            let count = literal.utf8CodeUnitCount
            guard bytes.count - index >= count else { return false }
            let matches = literal.withUTF8Buffer { expected in
                for offset in 0..<count where bytes[index + offset] != expected[offset] { return false }
                return true
            }
            if matches { index += count }
            return matches
        }

        mutating func skipWhitespace() {
            while index < bytes.count {
                switch bytes[index] {
                case 0x20, 0x09, 0x0A, 0x0D: index += 1
                default: return
                }
            }
        }

        /// `<Name>text</Name>` or `<Name><![CDATA[text]]></Name>`; nil for anything else.
        mutating func leaf() -> XMLField? {
            guard take("<"), let nameRange = name(), take(">") else { return nil }
            let valueRange: Range<Int>
            if take("<![CDATA[") {
                let start = index
                while true {
                    guard bytes.count - index >= 3 else { return nil }
                    if bytes[index] == UInt8(ascii: "]"), bytes[index + 1] == UInt8(ascii: "]"), bytes[index + 2] == UInt8(ascii: ">") { break }
                    guard Self.isPlainContent(bytes[index]) else { return nil }
                    index += 1
                }
                valueRange = start..<index
                index += 3
            } else {
                let start = index
                while index < bytes.count, bytes[index] != UInt8(ascii: "<") {
                    let byte = bytes[index]
                    guard Self.isPlainContent(byte), byte != UInt8(ascii: "&"), byte != UInt8(ascii: ">") else { return nil }
                    index += 1
                }
                valueRange = start..<index
            }
            guard take("</"), let closing = name(), take(">"), closing.count == nameRange.count,
                bytes[closing].elementsEqual(bytes[nameRange]),
                let value = Self.text(bytes[valueRange])
            else { return nil }
            return XMLField(String(decoding: bytes[nameRange], as: UTF8.self), value)
        }

        /// An element name of ASCII letters, digits and `_`, starting with a letter or `_`.
        private mutating func name() -> Range<Int>? {
            let start = index
            while index < bytes.count {
                let byte = bytes[index]
                let isLetter = (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z")
                let isDigit = byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
                guard isLetter || byte == UInt8(ascii: "_") || (isDigit && index > start) else { break }
                index += 1
            }
            return index > start ? start..<index : nil
        }

        /// Tab, line feed, and everything from space up but U+FFFE/U+FFFF's lead-in (checked by ``text(_:)``).
        private static func isPlainContent(_ byte: UInt8) -> Bool {
            byte >= 0x20 || byte == 0x09 || byte == 0x0A
        }

        /// The bytes as a string when they are valid UTF-8 without U+FFFE or U+FFFF.
        private static func text(_ slice: Slice<UnsafeBufferPointer<UInt8>>) -> String? {
            // Decoding repairs invalid UTF-8 (U+FFFD), so the bytes were valid exactly when they come back
            // unchanged (`String(validating:)` takes a slower generic path here).
            let text = String(decoding: UnsafeBufferPointer(rebasing: slice), as: UTF8.self)
            guard text.utf8.elementsEqual(slice) else { return nil }
            if slice.contains(0xEF), text.unicodeScalars.contains(where: { $0.value == 0xFFFE || $0.value == 0xFFFF }) { return nil }
            return text
        }
    }
}
