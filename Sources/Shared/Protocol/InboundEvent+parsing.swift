extension InboundEvent {
    /// Reads the typed event out of a message whose `MsgType` is `event`.
    init(_ message: InboundMessage) {
        func text(_ name: String) -> String { message[name] ?? "" }
        let key = text("EventKey")
        let name = message.event ?? ""
        switch name.lowercased() {
        case "subscribe":
            let scene = key.hasPrefix("qrscene_") ? String(key.dropFirst("qrscene_".count)) : nil
            self = .subscribe(scene: scene, ticket: message["Ticket"])
        case "unsubscribe": self = .unsubscribe
        case "scan": self = .scan(scene: key, ticket: message["Ticket"])
        case "location":
            self = .location(
                latitude: InboundMessage.double(message["Latitude"]), longitude: InboundMessage.double(message["Longitude"]),
                precision: InboundMessage.double(message["Precision"]))
        case "click": self = .click(key: key)
        case "view": self = .view(url: key, menuID: message["MenuId"])
        case "scancode_push", "scancode_waitmsg":
            let info = message.field("ScanCodeInfo")
            let (type, result) = (info?["ScanType"] ?? "", info?["ScanResult"] ?? "")
            self =
                name.lowercased() == "scancode_push"
                ? .scanCodePush(key: key, scanType: type, scanResult: result)
                : .scanCodeWaitMsg(key: key, scanType: type, scanResult: result)
        case "pic_sysphoto": self = .picSysPhoto(key: key, pictureMD5s: Self.pictures(message))
        case "pic_photo_or_album": self = .picPhotoOrAlbum(key: key, pictureMD5s: Self.pictures(message))
        case "pic_weixin": self = .picWeixin(key: key, pictureMD5s: Self.pictures(message))
        case "location_select":
            let info = message.field("SendLocationInfo")
            self = .locationSelect(
                key: key, latitude: InboundMessage.double(info?["Location_X"]),
                longitude: InboundMessage.double(info?["Location_Y"]), scale: InboundMessage.int(info?["Scale"]),
                label: info?["Label"] ?? "", poiName: info?["Poiname"])
        case "view_miniprogram": self = .viewMiniProgram(pagePath: key, menuID: message["MenuId"])
        case "templatesendjobfinish": self = .templateSendJobFinish(msgID: text("MsgID"), status: text("Status"))
        case "masssendjobfinish":
            self = .massSendJobFinish(
                MassSendResult(
                    msgID: text("MsgID"), status: text("Status"), totalCount: InboundMessage.int(message["TotalCount"]),
                    filterCount: InboundMessage.int(message["FilterCount"]), sentCount: InboundMessage.int(message["SentCount"]),
                    errorCount: InboundMessage.int(message["ErrorCount"])))
        case "subscribe_msg_popup_event": self = .subscribeMessagePopup(Self.items(message, "SubscribeMsgPopupEvent"))
        case "subscribe_msg_change_event": self = .subscribeMessageChange(Self.items(message, "SubscribeMsgChangeEvent"))
        case "subscribe_msg_sent_event": self = .subscribeMessageSent(Self.items(message, "SubscribeMsgSentEvent"))
        case "kf_create_session": self = .kfCreateSession(kfAccount: text("KfAccount"))
        case "kf_close_session": self = .kfCloseSession(kfAccount: text("KfAccount"))
        case "kf_switch_session": self = .kfSwitchSession(fromKfAccount: text("FromKfAccount"), toKfAccount: text("ToKfAccount"))
        default: self = .other(name: name)
        }
    }

    /// `SendPicsInfo/PicList/item/PicMd5Sum`, in order.
    private static func pictures(_ message: InboundMessage) -> [String] {
        let list = message.field("SendPicsInfo")?.child("PicList")?.children ?? []
        return list.filter { $0.name == "item" }.compactMap { $0["PicMd5Sum"] }
    }

    /// Every `List` child of the given container (one element or several).
    private static func items(_ message: InboundMessage, _ container: String) -> [SubscribeMessageItem] {
        let lists = message.field(container)?.children.filter { $0.name == "List" } ?? []
        return lists.map { list in
            SubscribeMessageItem(
                templateID: list["TemplateId"] ?? "", status: list["SubscribeStatusString"], popupScene: list["PopupScene"],
                msgID: list["MsgID"], errorCode: list["ErrorCode"], errorStatus: list["ErrorStatus"])
        }
    }
}
