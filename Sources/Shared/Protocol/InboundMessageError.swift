/// Why a body could not become an ``InboundMessage``.
public enum InboundMessageError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The XML itself was refused.
    case xml(WeChatXMLError)
    /// One of the four fields every push carries (ToUserName, FromUserName, CreateTime, MsgType) is absent.
    case missingField(String)
    /// A field that must be a number is not one.
    case invalidField(name: String, value: String)

    public var description: String {
        switch self {
        case .xml(let error): return error.description
        case .missingField(let name): return "push has no <\(name)>"
        case .invalidField(let name, let value): return "<\(name)> is not a valid value: \(value.prefix(40))"
        }
    }
}
