#if canImport(FoundationXML)
import FoundationXML
#endif
import Foundation

/// The `XMLParserDelegate` that turns SAX events into an ``XMLField`` tree, enforcing the depth and
/// element limits and aborting on any declaration the pre-flight pass did not catch.
///
/// One instance parses one document on the calling thread and is then thrown away; it is never shared.
final class XMLTreeBuilder: NSObject, XMLParserDelegate {
    private let limits: WeChatXML.Limits
    /// Open elements, innermost last; index 0 is a synthetic document node.
    private var stack: [XMLField] = [XMLField("")]
    private var elementCount = 0
    private var failure: WeChatXMLError?

    private init(limits: WeChatXML.Limits) {
        self.limits = limits
    }

    static func parse(_ bytes: [UInt8], limits: WeChatXML.Limits) throws(WeChatXMLError) -> XMLField {
        let builder = XMLTreeBuilder(limits: limits)
        let parser = XMLParser(data: Data(bytes))
        parser.shouldResolveExternalEntities = false
        parser.shouldProcessNamespaces = false
        parser.shouldReportNamespacePrefixes = false
        parser.delegate = builder
        let succeeded = parser.parse()
        if let failure = builder.failure { throw failure }
        guard succeeded else {
            let message = parser.parserError.map { String(describing: $0) } ?? "parse failed"
            throw .malformed(line: parser.lineNumber, column: parser.columnNumber, message: message)
        }
        guard builder.stack.count == 1, let root = builder.stack[0].children.first else {
            throw .malformed(line: parser.lineNumber, column: parser.columnNumber, message: "no root element")
        }
        return root
    }

    private func fail(_ error: WeChatXMLError, _ parser: XMLParser) {
        if failure == nil { failure = error }
        parser.abortParsing()
    }

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
        qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]
    ) {
        guard failure == nil else { return }
        elementCount += 1
        guard elementCount <= limits.maxElements else { return fail(.tooManyElements(limits.maxElements), parser) }
        guard stack.count <= limits.maxDepth else { return fail(.tooDeep(limits.maxDepth), parser) }
        stack.append(XMLField(elementName))
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
        guard failure == nil, stack.count > 1, var element = stack.popLast() else { return }
        if !element.children.isEmpty, element.value.allSatisfy(\.isWhitespace) { element.value = "" }
        stack[stack.count - 1].children.append(element)
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        guard failure == nil, stack.count > 1 else { return }
        stack[stack.count - 1].value += string
    }

    func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
        guard failure == nil, stack.count > 1 else { return }
        stack[stack.count - 1].value += String(decoding: CDATABlock, as: UTF8.self)
    }

    func parser(_ parser: XMLParser, parseErrorOccurred parseError: any Error) {
        guard failure == nil else { return }
        failure = .malformed(line: parser.lineNumber, column: parser.columnNumber, message: String(describing: parseError))
    }

    // Second line of defence: the pre-flight pass already refused every declaration.
    func parser(_ parser: XMLParser, foundInternalEntityDeclarationWithName name: String, value: String?) {
        fail(.declarationNotAllowed, parser)
    }

    func parser(_ parser: XMLParser, foundExternalEntityDeclarationWithName name: String, publicID: String?, systemID: String?) {
        fail(.declarationNotAllowed, parser)
    }

    func parser(_ parser: XMLParser, foundUnparsedEntityDeclarationWithName name: String, publicID: String?, systemID: String?, notationName: String?) {
        fail(.declarationNotAllowed, parser)
    }

    func parser(_ parser: XMLParser, foundElementDeclarationWithName elementName: String, model: String) {
        fail(.declarationNotAllowed, parser)
    }

    func parser(_ parser: XMLParser, foundNotationDeclarationWithName name: String, publicID: String?, systemID: String?) {
        fail(.declarationNotAllowed, parser)
    }

    func parser(_ parser: XMLParser, resolveExternalEntityName name: String, systemID: String?) -> Data? {
        fail(.declarationNotAllowed, parser)
        return nil
    }
}
