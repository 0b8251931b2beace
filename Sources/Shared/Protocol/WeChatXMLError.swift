/// Why a WeChat XML body was refused. Each hostile or broken input has its own case.
public enum WeChatXMLError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The body is longer than ``WeChatXML/Limits/maxBytes``.
    case tooLarge(Int)
    /// The body holds a `<!DOCTYPE`, `<!ENTITY` or other markup declaration (XXE, entity expansion).
    case declarationNotAllowed
    /// The body holds a processing instruction (`<?target …?>`) other than the leading XML declaration.
    case processingInstructionNotAllowed
    /// Elements nest deeper than ``WeChatXML/Limits/maxDepth``.
    case tooDeep(Int)
    /// More elements than ``WeChatXML/Limits/maxElements``.
    case tooManyElements(Int)
    /// The root element is not `<xml>`.
    case unexpectedRoot(String)
    /// Not well-formed XML (truncated, mismatched tags, undefined entity...): the parser's message and position.
    case malformed(line: Int, column: Int, message: String)

    public var description: String {
        switch self {
        case .tooLarge(let count): return "XML body of \(count) bytes is too large"
        case .declarationNotAllowed: return "XML with DOCTYPE or entity declarations is refused"
        case .processingInstructionNotAllowed: return "XML with processing instructions is refused"
        case .tooDeep(let depth): return "XML nests deeper than \(depth) levels"
        case .tooManyElements(let count): return "XML has more than \(count) elements"
        case .unexpectedRoot(let name): return "root element is <\(name)>, expected <xml>"
        case .malformed(let line, let column, let message): return "malformed XML at \(line):\(column): \(message)"
        }
    }
}
