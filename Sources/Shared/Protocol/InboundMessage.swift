/// A message or event WeChat pushed to us, parsed from its XML body.
///
/// It keeps **every** field as it arrived (``fields``, nested ones included), so nothing is lost for a
/// type or event this code does not know; ``kind`` is the typed view of the known ones. Only the four
/// fields every push carries are required: `ToUserName` (our `gh_` id), `FromUserName` (the sender's
/// OpenID), `CreateTime` (Unix seconds) and `MsgType`.
public struct InboundMessage: Sendable, Hashable {
    /// The children of `<xml>`, in document order.
    public let fields: [XMLField]
    public let toUserName: String
    public let fromUserName: String
    public let createTime: Int64
    /// `MsgType` exactly as sent (`text`, `event`, ... or anything new).
    public let msgType: String

    /// Builds a message from already-parsed fields, checking the four common ones.
    public init(fields: [XMLField]) throws(InboundMessageError) {
        func required(_ name: String) throws(InboundMessageError) -> String {
            guard let field = fields.first(where: { $0.name == name }) else { throw .missingField(name) }
            return field.value
        }
        self.fields = fields
        self.toUserName = try required("ToUserName")
        self.fromUserName = try required("FromUserName")
        let createTime = try required("CreateTime")
        guard let seconds = Self.integer(createTime) else { throw .invalidField(name: "CreateTime", value: createTime) }
        self.createTime = seconds
        self.msgType = try required("MsgType")
    }

    /// Parses a plaintext body (or a decrypted safe-mode one).
    public init(xml bytes: [UInt8], limits: WeChatXML.Limits = .default) throws(InboundMessageError) {
        let fields: [XMLField]
        do {
            fields = try WeChatXML.parse(bytes, limits: limits)
        } catch {
            throw .xml(error)
        }
        try self.init(fields: fields)
    }

    /// The text of the first top-level field called `name` (case-sensitive, as in WeChat's XML).
    public subscript(name: String) -> String? {
        fields.first { $0.name == name }?.value
    }

    /// The first top-level field called `name`, with its children.
    public func field(_ name: String) -> XMLField? {
        fields.first { $0.name == name }
    }

    /// `MsgId` of an ordinary message (events have none; template/mass events carry `MsgID` instead).
    public var msgID: String? { self["MsgId"] }

    /// `Event` of an event push.
    public var event: String? { self["Event"] }

    /// `EventKey` of an event push (menu key, QR scene, URL...).
    public var eventKey: String? { self["EventKey"] }

    /// Decimal integer, surrounding whitespace allowed.
    static func integer(_ text: String) -> Int64? {
        Int64(text.weChatTrimmed)
    }
}

extension String {
    /// The string without leading and trailing whitespace and newlines (no Foundation needed).
    var weChatTrimmed: Substring {
        let start = firstIndex { !$0.isWhitespace } ?? endIndex
        let end = lastIndex { !$0.isWhitespace }.map(index(after:)) ?? start
        return self[start..<max(start, end)]
    }
}
