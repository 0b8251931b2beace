/// The byte-level pass that runs before the XML parser sees a body (see ``WeChatXML``).
enum XMLPreflight {
    struct Prepared {
        var bytes: [UInt8]
        /// True when control characters were swapped for placeholders that must be swapped back.
        var restoresControlCharacters: Bool
    }

    /// Characters XML 1.0 forbids (C0 controls but tab, LF and CR; U+FFFE; U+FFFF) travel through the
    /// parser as plane-16 private-use placeholders: U+10FF00 + code for C0, U+10FF20/21 for U+FFFE/FFFF,
    /// i.e. the four UTF-8 bytes `F4 8F BC 80...A1`.
    static let placeholderBase: UInt32 = 0x10FF00
    static let placeholderLast: UInt32 = 0x10FF21

    static func prepare(_ input: [UInt8]) throws(WeChatXMLError) -> Prepared {
        var bytes = input
        if String(validating: bytes, as: UTF8.self) == nil {
            bytes = Array(String(decoding: bytes, as: UTF8.self).utf8)
        }
        try rejectDeclarations(bytes)
        guard containsForbidden(bytes) else { return Prepared(bytes: bytes, restoresControlCharacters: false) }
        // A body that already holds our placeholders cannot be mapped back unambiguously: then the
        // forbidden characters become U+FFFD instead (lossy, but only hostile input gets here).
        let holdsPlaceholders = containsPlaceholder(bytes)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 16)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            var code: UInt8?
            var width = 1
            if isForbiddenControl(byte) {
                code = byte
            } else if byte == 0xEF, index + 2 < bytes.count, bytes[index + 1] == 0xBF, bytes[index + 2] >= 0xBE {
                code = bytes[index + 2] == 0xBE ? 0x20 : 0x21
                width = 3
            }
            if let code {
                out.append(contentsOf: holdsPlaceholders ? [0xEF, 0xBF, 0xBD] : [0xF4, 0x8F, 0xBC, 0x80 | code])
            } else {
                out.append(byte)
            }
            index += width
        }
        return Prepared(bytes: out, restoresControlCharacters: !holdsPlaceholders)
    }

    /// C0 controls other than tab, line feed and carriage return.
    static func isForbiddenControl(_ byte: UInt8) -> Bool {
        byte < 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D
    }

    private static func containsForbidden(_ bytes: [UInt8]) -> Bool {
        for index in bytes.indices {
            let byte = bytes[index]
            if isForbiddenControl(byte) { return true }
            if byte == 0xEF, index + 2 < bytes.count, bytes[index + 1] == 0xBF, bytes[index + 2] >= 0xBE { return true }
        }
        return false
    }

    private static func containsPlaceholder(_ bytes: [UInt8]) -> Bool {
        guard bytes.count >= 4 else { return false }
        for index in 0...(bytes.count - 4)
        where bytes[index] == 0xF4 && bytes[index + 1] == 0x8F && bytes[index + 2] == 0xBC && bytes[index + 3] & 0xE0 == 0x80 {
            return true
        }
        return false
    }

    /// Refuses any `<!` markup other than CDATA sections and comments, whose contents are skipped
    /// (a user may well type `<!DOCTYPE` into a chat; it arrives inside CDATA), and any processing
    /// instruction other than the XML declaration at the very start.
    ///
    /// Processing instructions are refused because WeChat never sends any (swift-corelibs-foundation's
    /// `XMLParser`, the parser used before ``XMLTreeReader``, crashed on one without data, `<?pi?>`;
    /// found by Fuzz/FuzzXML).
    static func rejectDeclarations(_ bytes: [UInt8]) throws(WeChatXMLError) {
        let cdataOpen = Array("<![CDATA[".utf8)
        let cdataClose = Array("]]>".utf8)
        let commentOpen = Array("<!--".utf8)
        let commentClose = Array("-->".utf8)
        let piClose = Array("?>".utf8)
        var index = 0
        while index < bytes.count {
            guard bytes[index] == UInt8(ascii: "<"), index + 1 < bytes.count else {
                index += 1
                continue
            }
            if bytes[index + 1] == UInt8(ascii: "?") {
                guard isXMLDeclaration(bytes, at: index) else { throw .processingInstructionNotAllowed }
                index = try skip(bytes, past: piClose, from: index + 2, what: "XML declaration")
                continue
            }
            guard bytes[index + 1] == UInt8(ascii: "!") else {
                index += 1
                continue
            }
            if hasPrefix(bytes, cdataOpen, at: index) {
                index = try skip(bytes, past: cdataClose, from: index + cdataOpen.count, what: "CDATA section")
            } else if hasPrefix(bytes, commentOpen, at: index) {
                index = try skip(bytes, past: commentClose, from: index + commentOpen.count, what: "comment")
            } else {
                throw .declarationNotAllowed
            }
        }
    }

    /// `<?xml` followed by whitespace, at the start of the body or right after a UTF-8 byte-order mark.
    private static func isXMLDeclaration(_ bytes: [UInt8], at index: Int) -> Bool {
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        guard index == 0 || (index == 3 && hasPrefix(bytes, bom, at: 0)) else { return false }
        guard hasPrefix(bytes, Array("<?xml".utf8), at: index), index + 5 < bytes.count else { return false }
        return [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index + 5])
    }

    private static func hasPrefix(_ bytes: [UInt8], _ prefix: [UInt8], at index: Int) -> Bool {
        guard index + prefix.count <= bytes.count else { return false }
        for offset in 0..<prefix.count where bytes[index + offset] != prefix[offset] { return false }
        return true
    }

    private static func skip(_ bytes: [UInt8], past terminator: [UInt8], from start: Int, what: String) throws(WeChatXMLError) -> Int {
        var index = start
        while index + terminator.count <= bytes.count {
            if hasPrefix(bytes, terminator, at: index) { return index + terminator.count }
            index += 1
        }
        throw .malformed(line: 0, column: 0, message: "unterminated \(what)")
    }

    /// Swaps the placeholders back to the control characters they stand for, in a whole field tree.
    static func restoreControlCharacters(_ field: XMLField) -> XMLField {
        XMLField(field.name, restore(field.value), children: field.children.map(restoreControlCharacters))
    }

    private static func restore(_ text: String) -> String {
        func isPlaceholder(_ scalar: Unicode.Scalar) -> Bool { (placeholderBase...placeholderLast).contains(scalar.value) }
        guard text.unicodeScalars.contains(where: isPlaceholder) else { return text }
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            guard isPlaceholder(scalar) else {
                scalars.append(scalar)
                continue
            }
            let code = scalar.value - placeholderBase
            let original: UInt32 = code == 0x20 ? 0xFFFE : code == 0x21 ? 0xFFFF : code
            scalars.append(Unicode.Scalar(original) ?? "\u{FFFD}")
        }
        return String(scalars)
    }
}
