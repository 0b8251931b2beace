extension InboundMessage {
    /// The typed view of a push. It never fails: a field the type should have but that is absent reads
    /// as an empty string (or nil for numbers); ``InboundMessage/fields`` says exactly what arrived.
    /// A `MsgType` this code does not know is ``other(msgType:)``.
    public enum Kind: Sendable, Hashable {
        /// `text`. `bizMsgMenuID` is set when the user tapped a `msgmenu` option.
        case text(content: String, bizMsgMenuID: String?)
        case image(picURL: String, mediaID: String)
        /// `voice`; `recognition` is the speech-to-text result when recognition is enabled.
        case voice(mediaID: String, format: String, recognition: String?)
        case video(mediaID: String, thumbMediaID: String)
        case shortVideo(mediaID: String, thumbMediaID: String)
        /// `location`: `Location_X` is the latitude, `Location_Y` the longitude.
        case location(latitude: Double?, longitude: Double?, scale: Int?, label: String)
        case link(title: String, description: String, url: String)
        /// `miniprogrampage` (mini-program customer service).
        case miniProgramPage(appID: String, title: String, pagePath: String, thumbURL: String, thumbMediaID: String)
        /// `event`, with the typed event.
        case event(InboundEvent)
        /// Any other `MsgType` (`file`, or something WeChat adds later); the fields are all in the message.
        case other(msgType: String)
    }

    /// The typed view of this push.
    public var kind: Kind {
        func text(_ name: String) -> String { self[name] ?? "" }
        switch msgType.lowercased() {
        case "text": return .text(content: text("Content"), bizMsgMenuID: self["bizmsgmenuid"])
        case "image": return .image(picURL: text("PicUrl"), mediaID: text("MediaId"))
        case "voice": return .voice(mediaID: text("MediaId"), format: text("Format"), recognition: self["Recognition"])
        case "video": return .video(mediaID: text("MediaId"), thumbMediaID: text("ThumbMediaId"))
        case "shortvideo": return .shortVideo(mediaID: text("MediaId"), thumbMediaID: text("ThumbMediaId"))
        case "location":
            return .location(
                latitude: Self.double(self["Location_X"]), longitude: Self.double(self["Location_Y"]),
                scale: Self.int(self["Scale"]), label: text("Label"))
        case "link": return .link(title: text("Title"), description: text("Description"), url: text("Url"))
        case "miniprogrampage":
            return .miniProgramPage(
                appID: text("AppId"), title: text("Title"), pagePath: text("PagePath"),
                thumbURL: text("ThumbUrl"), thumbMediaID: text("ThumbMediaId"))
        case "event": return .event(InboundEvent(self))
        default: return .other(msgType: msgType)
        }
    }

    static func double(_ text: String?) -> Double? {
        text.flatMap { Double($0.weChatTrimmed) }
    }

    static func int(_ text: String?) -> Int? {
        text.flatMap { Int($0.weChatTrimmed) }
    }
}
