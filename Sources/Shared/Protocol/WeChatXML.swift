/// Safe parsing of the `<xml>…</xml>` bodies WeChat pushes, into ``XMLField`` values.
///
/// A body of the common flat shape is read directly (``XMLFastPath``, same fields); any other goes to
/// libxml2's streaming `xmlTextReader` (``XMLTreeReader``) after a pre-flight pass that
/// - refuses bodies over ``Limits/maxBytes``,
/// - refuses any `<!DOCTYPE`/`<!ENTITY`/other declaration outside CDATA and comments, so no external
///   entity is ever fetched and no entity is ever expanded (the parser's declaration callbacks abort as a
///   reader refuses DTD and entity nodes as a second line of defence), and any processing instruction
///   but the leading `<?xml …?>` (WeChat sends none),
/// - repairs invalid UTF-8 (U+FFFD) and carries C0 control characters, which XML 1.0 forbids but
///   WeChat users do send, through the parser unchanged.
/// Depth and element count are capped while parsing. Every failure is a ``WeChatXMLError``.
public enum WeChatXML {
    /// Bounds on what the parser accepts. The defaults are far above any real push (depth 5, a few KiB).
    public struct Limits: Sendable, Hashable {
        public var maxBytes: Int
        public var maxDepth: Int
        public var maxElements: Int

        public init(maxBytes: Int = 1 << 20, maxDepth: Int = 32, maxElements: Int = 10_000) {
            self.maxBytes = maxBytes
            self.maxDepth = maxDepth
            self.maxElements = maxElements
        }

        public static let `default` = Limits()
    }

    /// Parses a body and returns the children of its `<xml>` root, in document order.
    public static func parse(_ bytes: [UInt8], limits: Limits = .default) throws(WeChatXMLError) -> [XMLField] {
        guard bytes.count <= limits.maxBytes else { throw .tooLarge(bytes.count) }
        if let fields = XMLFastPath.parse(bytes, limits: limits) { return fields }
        return try parseFully(bytes, limits: limits)
    }

    /// The pre-flight pass and libxml2, for any body (``parse(_:limits:)-([UInt8],_)`` skips them for the
    /// common shape).
    static func parseFully(_ bytes: [UInt8], limits: Limits) throws(WeChatXMLError) -> [XMLField] {
        let prepared = try XMLPreflight.prepare(bytes)
        let root = try XMLTreeReader.parse(prepared.bytes, limits: limits)
        guard root.name == "xml" else { throw .unexpectedRoot(root.name) }
        return prepared.restoresControlCharacters ? root.children.map(XMLPreflight.restoreControlCharacters) : root.children
    }

    /// Parses a body given as a string.
    public static func parse(_ text: String, limits: Limits = .default) throws(WeChatXMLError) -> [XMLField] {
        try parse(Array(text.utf8), limits: limits)
    }
}
