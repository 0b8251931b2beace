import Crypto

/// The key under which a push is de-duplicated: WeChat re-sends a push it got no answer to within
/// 5 s (3 tries in all), and a retry can arrive while the first is still being handled.
///
/// - Ordinary messages: `m:<MsgId>:<FromUserName>:<CreateTime>`. MsgId identifies the message; the
///   sender and time are added, as WxJava does since MsgId collisions were reported (binarywang/WxJava#333).
///   A retry repeats all three, so this never splits a retry from its original.
/// - Everything without `MsgId` (events): `e:<FromUserName>:<CreateTime>:<Event>:<EventKey>`, with
///   `MsgType` standing in for a missing `Event`. Event and EventKey keep a LOCATION report and an
///   unsubscribe in the same second apart. Template and mass-send receipts (`TEMPLATESENDJOBFINISH`,
///   `MASSSENDJOBFINISH`) add their `MsgID` (capital D): `e:<FromUserName>:<CreateTime>:<Event>:<EventKey>:<MsgID>`.
///
/// Each part is kept readable when it is at most 64 printable ASCII characters without `:`; otherwise
/// it becomes `~` and 32 hex digits of its SHA-1, so keys are bounded and unambiguous.
public struct DedupKey: Sendable, Hashable, Codable, CustomStringConvertible {
    public let rawValue: String

    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// The key of a parsed push.
    public init(_ message: InboundMessage) {
        let time = String(message.createTime)
        if let msgID = message.msgID, !msgID.isEmpty {
            rawValue = ["m", Self.part(msgID), Self.part(message.fromUserName), time].joined(separator: ":")
        } else {
            let event = message.event ?? message.msgType
            var parts = ["e", Self.part(message.fromUserName), time, Self.part(event), Self.part(message.eventKey ?? "")]
            // Template and mass-send receipts carry their job's id as `MsgID` (capital D): two receipts
            // of one user in the same second differ only there.
            if let jobID = message["MsgID"], !jobID.isEmpty { parts.append(Self.part(jobID)) }
            rawValue = parts.joined(separator: ":")
        }
    }

    public var description: String { rawValue }

    /// The key as a log line may show it: the sender's openid masked (``maskOpenID(_:)``), the rest as is.
    public var masked: String {
        var parts = rawValue.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        let sender = parts.first == "m" ? 2 : 1
        guard parts.count > sender else { return Self.maskOpenID(rawValue) }
        parts[sender] = Self.maskOpenID(parts[sender])
        return parts.joined(separator: ":")
    }

    /// An openid as logs may show it: enough to tell users apart, not enough to identify one.
    public static func maskOpenID(_ openID: String) -> String {
        guard openID.count > 8 else { return "***" }
        return String(openID.prefix(4)) + "***" + String(openID.suffix(2))
    }

    static func part(_ text: String) -> String {
        let bytes = text.utf8
        if bytes.count <= 64, bytes.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: ":") }) {
            return text
        }
        return "~" + WeChatSignature.hex(Insecure.SHA1.hash(data: Array(bytes))).prefix(32)
    }
}

extension InboundMessage {
    /// This push's de-duplication key.
    public var dedupKey: DedupKey { DedupKey(self) }
}
