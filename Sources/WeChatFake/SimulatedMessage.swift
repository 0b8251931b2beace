import Shared

/// A message as a WeChat user sends it to an Official Account: who, what, and the ids WeChat gives it.
/// ``xml`` is the plaintext XML WeChat's servers would push to the account's URL.
public struct SimulatedMessage: Sendable, Hashable {
    /// What the user sent.
    public enum Kind: Sendable, Hashable {
        case text(String)
        case image(mediaID: String)
        case voice(mediaID: String, recognition: String?)
        case location(latitude: Double, longitude: Double, label: String)
        case link(title: String, description: String, url: String)
        /// An event push (`subscribe`, `unsubscribe`, `CLICK`, `SCAN`, ...), with its `EventKey` if any.
        case event(String, key: String?)
    }

    /// The user's OpenID (`FromUserName`).
    public var from: String
    /// The account's original id (`ToUserName`, `gh_…`).
    public var to: String
    public var kind: Kind
    /// `MsgId` (messages only; events have none).
    public var msgID: Int64
    /// `CreateTime`, seconds since 1970.
    public var createTime: Int64
    /// Raw XML elements added at the end of an event (`<MsgID>…</MsgID><Status>…</Status>` of a receipt).
    public var extraXML = ""

    public init(from: String, to: String = "gh_wxsim", kind: Kind, msgID: Int64 = Int64.random(in: 1_000_000_000_000_000...9_000_000_000_000_000), createTime: Int64 = WallClock.seconds()) {
        self.from = from
        self.to = to
        self.kind = kind
        self.msgID = msgID
        self.createTime = createTime
    }

    /// The plaintext push body.
    public var xml: String {
        var fields: [String] = [
            XMLWriter.element("ToUserName", cdata: to), XMLWriter.element("FromUserName", cdata: from),
            "<CreateTime>\(createTime)</CreateTime>",
        ]
        switch kind {
        case .text(let content):
            fields += [XMLWriter.element("MsgType", cdata: "text"), XMLWriter.element("Content", cdata: content)]
        case .image(let mediaID):
            fields += [
                XMLWriter.element("MsgType", cdata: "image"), XMLWriter.element("PicUrl", cdata: "http://mmbiz.qpic.cn/\(mediaID)"),
                XMLWriter.element("MediaId", cdata: mediaID),
            ]
        case .voice(let mediaID, let recognition):
            fields += [
                XMLWriter.element("MsgType", cdata: "voice"), XMLWriter.element("MediaId", cdata: mediaID),
                XMLWriter.element("Format", cdata: "amr"),
            ]
            if let recognition { fields.append(XMLWriter.element("Recognition", cdata: recognition)) }
        case .location(let latitude, let longitude, let label):
            fields += [
                XMLWriter.element("MsgType", cdata: "location"), "<Location_X>\(latitude)</Location_X>", "<Location_Y>\(longitude)</Location_Y>",
                "<Scale>15</Scale>", XMLWriter.element("Label", cdata: label),
            ]
        case .link(let title, let description, let url):
            fields += [
                XMLWriter.element("MsgType", cdata: "link"), XMLWriter.element("Title", cdata: title),
                XMLWriter.element("Description", cdata: description), XMLWriter.element("Url", cdata: url),
            ]
        case .event(let event, let key):
            fields += [XMLWriter.element("MsgType", cdata: "event"), XMLWriter.element("Event", cdata: event)]
            if let key { fields.append(XMLWriter.element("EventKey", cdata: key)) }
            // A QR-code scan also carries the code's ticket.
            if event.lowercased() == "scan" || key?.hasPrefix("qrscene_") == true {
                fields.append(XMLWriter.element("Ticket", cdata: "gQwxsim" + String(msgID % 1_000_000)))
            }
            return "<xml>" + fields.joined() + extraXML + "</xml>"
        }
        fields.append("<MsgId>\(msgID)</MsgId>")
        return "<xml>" + fields.joined() + "</xml>"
    }
}

extension SimulatedMessage.Kind {
    /// Scanning a parametric QR code: `subscribe` (a new follower) carries `EventKey` `qrscene_SCENE`,
    /// `SCAN` (already following) carries `SCENE`; nil for any other event.
    public static func scan(event: String, scene: String) -> Self? {
        switch event.lowercased() {
        case "subscribe": return .event("subscribe", key: "qrscene_" + scene)
        case "scan": return .event("SCAN", key: scene)
        default: return nil
        }
    }
}
