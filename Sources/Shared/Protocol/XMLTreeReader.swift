import CLibXML2

/// Turns a document into an ``XMLField`` tree with libxml2's streaming `xmlTextReader`, enforcing the depth
/// and element limits and refusing any DTD, entity reference or processing instruction it meets.
///
/// The reader runs with network access off, no DTD loading, no entity substitution and its error output
/// silenced; CDATA sections arrive as text. Unlike Foundation's `XMLParser` (the parser used before), it
/// neither crashes on an empty processing instruction nor leaks on malformed input. One call parses one
/// document on the calling thread; nothing is shared between calls.
enum XMLTreeReader {
    static func parse(_ bytes: [UInt8], limits: WeChatXML.Limits) throws(WeChatXMLError) -> XMLField {
        _ = initialized
        let options = Int32(CLibXML2_PARSE_NONET | CLibXML2_PARSE_NOCDATA | CLibXML2_PARSE_NOERROR | CLibXML2_PARSE_NOWARNING)
        // The reader reads `bytes` in place, so it lives and dies inside this closure.
        let result = bytes.withUnsafeBufferPointer { buffer -> Result<XMLField, WeChatXMLError> in
            let created = buffer.withMemoryRebound(to: CChar.self) { chars in
                xmlReaderForMemory(chars.baseAddress, Int32(chars.count), nil, "UTF-8", options)
            }
            guard let reader = created else { return .failure(.malformed(line: 0, column: 0, message: "cannot create an XML reader")) }
            defer { xmlFreeTextReader(reader) }
            CLibXML2_silence(reader)
            return Result { () throws(WeChatXMLError) -> XMLField in try build(reader, limits: limits) }
        }
        return try result.get()
    }

    /// libxml2's one-time global set-up, done once per process before the first reader.
    private static let initialized: Void = xmlInitParser()

    private static func build(_ reader: xmlTextReaderPtr, limits: WeChatXML.Limits) throws(WeChatXMLError) -> XMLField {
        /// Open elements, innermost last; index 0 is a synthetic document node.
        var stack: [XMLField] = [XMLField("")]
        var elementCount = 0
        func line() -> Int { Int(xmlTextReaderGetParserLineNumber(reader)) }
        func close() {
            guard stack.count > 1, var element = stack.popLast() else { return }
            if !element.children.isEmpty, element.value.allSatisfy(\.isWhitespace) { element.value = "" }
            stack[stack.count - 1].children.append(element)
        }
        while true {
            let status = xmlTextReaderRead(reader)
            if status == 0 { break }
            guard status == 1 else { throw .malformed(line: line(), column: 0, message: "not well-formed XML") }
            switch Int(xmlTextReaderNodeType(reader)) {
            case CLibXML2_ELEMENT:
                elementCount += 1
                guard elementCount <= limits.maxElements else { throw .tooManyElements(limits.maxElements) }
                guard stack.count <= limits.maxDepth else { throw .tooDeep(limits.maxDepth) }
                stack.append(XMLField(text(xmlTextReaderConstName(reader))))
                if xmlTextReaderIsEmptyElement(reader) == 1 { close() }
            case CLibXML2_END_ELEMENT:
                close()
            case CLibXML2_TEXT, CLibXML2_CDATA, CLibXML2_SIGNIFICANT_WHITESPACE, CLibXML2_WHITESPACE:
                if stack.count > 1 { stack[stack.count - 1].value += text(xmlTextReaderConstValue(reader)) }
            case CLibXML2_DOCUMENT_TYPE, CLibXML2_ENTITY_REFERENCE, CLibXML2_ENTITY, CLibXML2_NOTATION:
                throw .declarationNotAllowed
            case CLibXML2_PROCESSING_INSTRUCTION:
                throw .processingInstructionNotAllowed
            default:
                continue  // comments, the XML declaration
            }
        }
        guard stack.count == 1, let root = stack[0].children.first else {
            throw .malformed(line: line(), column: 0, message: "no root element")
        }
        return root
    }

    private static func text(_ pointer: UnsafePointer<xmlChar>?) -> String {
        guard let pointer else { return "" }
        return String(cString: pointer)
    }
}
