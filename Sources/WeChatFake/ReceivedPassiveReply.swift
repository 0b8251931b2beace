/// A passive reply as WeChat reads it from the account's answer to a push: its type, the text when it
/// is a text, and the plain XML (decrypted in safe mode, after checking its `MsgSignature`).
public struct ReceivedPassiveReply: Sendable, Hashable {
    public var msgType: String
    /// `Content` of a text reply; nil for other types.
    public var text: String?
    public var xml: String
    /// Whether it came in the encrypted envelope.
    public var wasEncrypted: Bool

    public init(msgType: String, text: String?, xml: String, wasEncrypted: Bool) {
        self.msgType = msgType
        self.text = text
        self.xml = xml
        self.wasEncrypted = wasEncrypted
    }
}
