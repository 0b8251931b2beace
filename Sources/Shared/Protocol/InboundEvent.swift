/// The typed view of a `MsgType=event` push (see ``InboundMessage/kind``). Event names are matched
/// without regard to case (WeChat mixes `subscribe` and `SCAN`); an unknown one is ``other(name:)``.
public enum InboundEvent: Sendable, Hashable {
    /// Follow. From a parametric QR code, `scene` is the `EventKey` without its `qrscene_` prefix and
    /// `ticket` is set; a plain follow has both nil.
    case subscribe(scene: String?, ticket: String?)
    case unsubscribe
    /// A follower scanned a parametric QR code; `scene` is the `EventKey` (no prefix).
    case scan(scene: String, ticket: String?)
    /// `LOCATION` report.
    case location(latitude: Double?, longitude: Double?, precision: Double?)
    /// Menu `click`: the menu key.
    case click(key: String)
    /// Menu `view`: the URL, and the menu id when sent.
    case view(url: String, menuID: String?)
    case scanCodePush(key: String, scanType: String, scanResult: String)
    case scanCodeWaitMsg(key: String, scanType: String, scanResult: String)
    /// `pic_sysphoto`, `pic_photo_or_album`, `pic_weixin`: the menu key and the pictures' MD5 sums.
    case picSysPhoto(key: String, pictureMD5s: [String])
    case picPhotoOrAlbum(key: String, pictureMD5s: [String])
    case picWeixin(key: String, pictureMD5s: [String])
    case locationSelect(key: String, latitude: Double?, longitude: Double?, scale: Int?, label: String, poiName: String?)
    /// Menu `view_miniprogram`: the page path and the menu id.
    case viewMiniProgram(pagePath: String, menuID: String?)
    /// `TEMPLATESENDJOBFINISH`; note the id element is `MsgID`.
    case templateSendJobFinish(msgID: String, status: String)
    /// `MASSSENDJOBFINISH`; copyright and URL results stay in the raw fields.
    case massSendJobFinish(MassSendResult)
    case subscribeMessagePopup([SubscribeMessageItem])
    case subscribeMessageChange([SubscribeMessageItem])
    case subscribeMessageSent([SubscribeMessageItem])
    case kfCreateSession(kfAccount: String)
    case kfCloseSession(kfAccount: String)
    case kfSwitchSession(fromKfAccount: String, toKfAccount: String)
    /// Any other event (card, verification, device...): the name as sent; the fields are in the message.
    case other(name: String)

    /// Counters of a `MASSSENDJOBFINISH` event.
    public struct MassSendResult: Sendable, Hashable {
        public init(msgID: String, status: String, totalCount: Int?, filterCount: Int?, sentCount: Int?, errorCount: Int?) {
            self.msgID = msgID
            self.status = status
            self.totalCount = totalCount
            self.filterCount = filterCount
            self.sentCount = sentCount
            self.errorCount = errorCount
        }

        public var msgID: String
        public var status: String
        public var totalCount: Int?
        public var filterCount: Int?
        public var sentCount: Int?
        public var errorCount: Int?
    }

    /// One `List` entry of the subscribe-message events; which fields are set depends on the event.
    public struct SubscribeMessageItem: Sendable, Hashable {
        public init(
            templateID: String, status: String? = nil, popupScene: String? = nil, msgID: String? = nil, errorCode: String? = nil,
            errorStatus: String? = nil
        ) {
            self.templateID = templateID
            self.status = status
            self.popupScene = popupScene
            self.msgID = msgID
            self.errorCode = errorCode
            self.errorStatus = errorStatus
        }

        public var templateID: String
        /// `SubscribeStatusString` (`accept`/`reject`) of popup and change events.
        public var status: String?
        public var popupScene: String?
        public var msgID: String?
        public var errorCode: String?
        public var errorStatus: String?
    }
}
