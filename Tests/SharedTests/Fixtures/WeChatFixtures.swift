/// One XML body for every WeChat message and event type the relay knows, in the shapes of the official
/// documentation and wechatpy's tests, plus unknown ones. Plain Swift (no test imports) so that the
/// fuzzers under `Fuzz/` can compile this file too and write it out as their seed corpus.
enum WeChatFixtures {
    static let text = #"""
        <xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName>
        <FromUserName><![CDATA[oyORnuP8q7ou2gfYjqLzSIWZf0rs]]></FromUserName>
        <CreateTime>1409735668</CreateTime>
        <MsgType><![CDATA[text]]></MsgType>
        <Content><![CDATA[abcdteT]]></Content>
        <MsgId>6054768590064713728</MsgId>
        </xml>
        """#

    /// Emoji, CJK, a real newline, a `]]>` split across two CDATA sections, escaped text, and a
    /// `<!DOCTYPE` that the user typed (inside CDATA, so harmless).
    static let textTricky = #"""
        <xml><ToUserName><![CDATA[gh_test]]></ToUserName><FromUserName><![CDATA[oUser]]></FromUserName><CreateTime>1700000000</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[你好 😀 line1
        line2 ]]]]><![CDATA[> end <!DOCTYPE x>]]></Content><MsgId>1234567890123456</MsgId><bizmsgmenuid>101</bizmsgmenuid></xml>
        """#

    static let image = #"""
        <xml><ToUserName><![CDATA[toUser]]></ToUserName><FromUserName><![CDATA[fromUser]]></FromUserName><CreateTime>1348831860</CreateTime><MsgType><![CDATA[image]]></MsgType><PicUrl><![CDATA[http://mmbiz.qpic.cn/x.jpg]]></PicUrl><MediaId><![CDATA[media_id]]></MediaId><MsgId>1234567890123456</MsgId><MsgDataId>xxxx</MsgDataId><Idx>1</Idx></xml>
        """#

    static let voice = #"""
        <xml><ToUserName><![CDATA[toUser]]></ToUserName><FromUserName><![CDATA[fromUser]]></FromUserName><CreateTime>1357290913</CreateTime><MsgType><![CDATA[voice]]></MsgType><MediaId><![CDATA[media_id]]></MediaId><Format><![CDATA[amr]]></Format><Recognition><![CDATA[腾讯微信团队]]></Recognition><MsgId>1234567890123457</MsgId></xml>
        """#

    static let video = #"""
        <xml><ToUserName><![CDATA[toUser]]></ToUserName><FromUserName><![CDATA[fromUser]]></FromUserName><CreateTime>1357290913</CreateTime><MsgType><![CDATA[video]]></MsgType><MediaId><![CDATA[media_id]]></MediaId><ThumbMediaId><![CDATA[thumb_media_id]]></ThumbMediaId><MsgId>1234567890123458</MsgId></xml>
        """#

    static let shortVideo = #"""
        <xml><ToUserName><![CDATA[toUser]]></ToUserName><FromUserName><![CDATA[fromUser]]></FromUserName><CreateTime>1357290913</CreateTime><MsgType><![CDATA[shortvideo]]></MsgType><MediaId><![CDATA[media_id]]></MediaId><ThumbMediaId><![CDATA[thumb_media_id]]></ThumbMediaId><MsgId>1234567890123459</MsgId></xml>
        """#

    static let location = #"""
        <xml><ToUserName><![CDATA[toUser]]></ToUserName><FromUserName><![CDATA[fromUser]]></FromUserName><CreateTime>1351776360</CreateTime><MsgType><![CDATA[location]]></MsgType><Location_X>23.134521</Location_X><Location_Y>113.358803</Location_Y><Scale>20</Scale><Label><![CDATA[位置信息]]></Label><MsgId>1234567890123460</MsgId></xml>
        """#

    static let link = #"""
        <xml><ToUserName><![CDATA[toUser]]></ToUserName><FromUserName><![CDATA[fromUser]]></FromUserName><CreateTime>1351776360</CreateTime><MsgType><![CDATA[link]]></MsgType><Title><![CDATA[公众平台官网链接]]></Title><Description><![CDATA[公众平台官网链接]]></Description><Url><![CDATA[https://mp.weixin.qq.com/s?a=1&b=2]]></Url><MsgId>1234567890123461</MsgId></xml>
        """#

    static let miniProgramPage = #"""
        <xml><ToUserName><![CDATA[toUser]]></ToUserName><FromUserName><![CDATA[fromUser]]></FromUserName><CreateTime>1482048670</CreateTime><MsgType><![CDATA[miniprogrampage]]></MsgType><MsgId>1234567890123462</MsgId><AppId><![CDATA[wxabc]]></AppId><Title><![CDATA[Title]]></Title><PagePath><![CDATA[pages/index]]></PagePath><ThumbUrl><![CDATA[http://x/t.jpg]]></ThumbUrl><ThumbMediaId><![CDATA[thumb]]></ThumbMediaId></xml>
        """#

    /// A MsgType this code does not know (WeCom's `file`), with its fields.
    static let unknownFile = #"""
        <xml><ToUserName><![CDATA[toUser]]></ToUserName><FromUserName><![CDATA[fromUser]]></FromUserName><CreateTime>1357290913</CreateTime><MsgType><![CDATA[file]]></MsgType><Title><![CDATA[report.pdf]]></Title><FileKey><![CDATA[k1]]></FileKey><FileMd5><![CDATA[md5]]></FileMd5><FileTotalLen>1024</FileTotalLen><MsgId>1234567890123463</MsgId></xml>
        """#

    static func event(_ name: String, _ extra: String, from: String = "fromUser", time: Int = 1_400_000_000) -> String {
        "<xml><ToUserName><![CDATA[toUser]]></ToUserName><FromUserName><![CDATA[\(from)]]></FromUserName>"
            + "<CreateTime>\(time)</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[\(name)]]></Event>"
            + extra + "</xml>"
    }

    static let subscribe = event("subscribe", "<EventKey><![CDATA[]]></EventKey>")
    static let subscribeQR = event("subscribe", "<EventKey><![CDATA[qrscene_123123]]></EventKey><Ticket><![CDATA[TICKET]]></Ticket>")
    static let unsubscribe = event("unsubscribe", "")
    static let scan = event("SCAN", "<EventKey><![CDATA[SCENE_VALUE]]></EventKey><Ticket><![CDATA[TICKET]]></Ticket>")
    static let locationEvent = event("LOCATION", "<Latitude>23.137466</Latitude><Longitude>113.352425</Longitude><Precision>119.385040</Precision>")
    static let click = event("CLICK", "<EventKey><![CDATA[EVENTKEY]]></EventKey>")
    static let view = event("VIEW", "<EventKey><![CDATA[http://www.qq.com/]]></EventKey><MenuId>208396938</MenuId>")
    static let scanCodePush = event(
        "scancode_push",
        "<EventKey><![CDATA[6]]></EventKey><ScanCodeInfo><ScanType><![CDATA[qrcode]]></ScanType><ScanResult><![CDATA[1]]></ScanResult></ScanCodeInfo>")
    static let scanCodeWaitMsg = event(
        "scancode_waitmsg",
        "<EventKey><![CDATA[6]]></EventKey><ScanCodeInfo><ScanType><![CDATA[qrcode]]></ScanType><ScanResult><![CDATA[2]]></ScanResult></ScanCodeInfo>")
    static func pictures(_ name: String) -> String {
        event(
            name,
            "<EventKey><![CDATA[6]]></EventKey><SendPicsInfo><Count>2</Count><PicList><item><PicMd5Sum><![CDATA[1b5f7c23b5bf75682a53e7b6d163e185]]></PicMd5Sum></item><item><PicMd5Sum><![CDATA[2b5f7c23b5bf75682a53e7b6d163e185]]></PicMd5Sum></item></PicList></SendPicsInfo>"
        )
    }
    static let picSysPhoto = pictures("pic_sysphoto")
    static let picPhotoOrAlbum = pictures("pic_photo_or_album")
    static let picWeixin = pictures("pic_weixin")
    static let locationSelect = event(
        "location_select",
        "<EventKey><![CDATA[6]]></EventKey><SendLocationInfo><Location_X><![CDATA[23]]></Location_X><Location_Y><![CDATA[113]]></Location_Y><Scale><![CDATA[15]]></Scale><Label><![CDATA[ 广州市海珠区客村艺苑路 106号]]></Label><Poiname><![CDATA[]]></Poiname></SendLocationInfo>"
    )
    static let viewMiniProgram = event("view_miniprogram", "<EventKey><![CDATA[pages/index/index]]></EventKey><MenuId>MENUID</MenuId>")
    static let templateSendJobFinish = event("TEMPLATESENDJOBFINISH", "<MsgID>200163836</MsgID><Status><![CDATA[success]]></Status>")
    static let massSendJobFinish = event(
        "MASSSENDJOBFINISH",
        "<MsgID>1988</MsgID><Status><![CDATA[err(30003)]]></Status><TotalCount>100</TotalCount><FilterCount>80</FilterCount><SentCount>75</SentCount><ErrorCount>5</ErrorCount><CopyrightCheckResult><Count>1</Count><ResultList><item><ArticleIdx>1</ArticleIdx><UserDeclareState>0</UserDeclareState><AuditState>2</AuditState><OriginalArticleUrl><![CDATA[Url_1]]></OriginalArticleUrl><OriginalArticleType>1</OriginalArticleType><CanReprint>1</CanReprint><NeedReplaceContent>1</NeedReplaceContent><NeedShowReprintSource>1</NeedShowReprintSource></item></ResultList><CheckState>2</CheckState></CopyrightCheckResult><ArticleUrlResult><Count>1</Count><ResultList><item><ArticleIdx>1</ArticleIdx><ArticleUrl><![CDATA[Url]]></ArticleUrl></item></ResultList></ArticleUrlResult>"
    )
    static let subscribeMsgPopup = event(
        "subscribe_msg_popup_event",
        "<SubscribeMsgPopupEvent><List><TemplateId><![CDATA[VRR0UEO9VJOLs0MHlU0OilqX6MVFDwH3_3gz3Oc0NIc]]></TemplateId><SubscribeStatusString><![CDATA[accept]]></SubscribeStatusString><PopupScene>2</PopupScene></List><List><TemplateId><![CDATA[9nLIlbOQZC5Y89AZteFEux3WCXRRRG5Wfzkpssu4bLI]]></TemplateId><SubscribeStatusString><![CDATA[reject]]></SubscribeStatusString><PopupScene>2</PopupScene></List></SubscribeMsgPopupEvent>"
    )
    static let subscribeMsgChange = event(
        "subscribe_msg_change_event",
        "<SubscribeMsgChangeEvent><List><TemplateId><![CDATA[VRR0UEO9VJOLs0MHlU0OilqX6MVFDwH3_3gz3Oc0NIc]]></TemplateId><SubscribeStatusString><![CDATA[reject]]></SubscribeStatusString></List></SubscribeMsgChangeEvent>"
    )
    static let subscribeMsgSent = event(
        "subscribe_msg_sent_event",
        "<SubscribeMsgSentEvent><List><TemplateId><![CDATA[VRR0UEO9VJOLs0MHlU0OilqX6MVFDwH3_3gz3Oc0NIc]]></TemplateId><MsgID>1700827132819554304</MsgID><ErrorCode>0</ErrorCode><ErrorStatus><![CDATA[success]]></ErrorStatus></List></SubscribeMsgSentEvent>"
    )
    static let kfCreateSession = event("kf_create_session", "<KfAccount><![CDATA[test1@test]]></KfAccount>")
    static let kfCloseSession = event("kf_close_session", "<KfAccount><![CDATA[test1@test]]></KfAccount>")
    static let kfSwitchSession = event(
        "kf_switch_session", "<FromKfAccount><![CDATA[test1@test]]></FromKfAccount><ToKfAccount><![CDATA[test2@test]]></ToKfAccount>")
    /// An event this code has no case for (a card event), with its fields.
    static let unknownEvent = event(
        "user_get_card",
        "<CardId><![CDATA[po2VNuCuRo-8sxxxxxxxxxxx]]></CardId><IsGiveByFriend>0</IsGiveByFriend><UserCardCode><![CDATA[226009850808]]></UserCardCode><OuterStr><![CDATA[12b]]></OuterStr>")

    /// A safe-mode body (TV4's ciphertext) as WeChat posts it.
    static let encryptedEnvelope = #"""
        <xml>
            <ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName>
            <Encrypt><![CDATA[hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE=]]></Encrypt>
        </xml>
        """#

    /// Every fixture by name (the fuzzers' seed corpus is written from this list).
    static let all: [(name: String, xml: String)] = [
        ("text", text), ("text-tricky", textTricky), ("image", image), ("voice", voice), ("video", video),
        ("shortvideo", shortVideo), ("location", location), ("link", link), ("miniprogrampage", miniProgramPage),
        ("unknown-file", unknownFile), ("event-subscribe", subscribe), ("event-subscribe-qr", subscribeQR),
        ("event-unsubscribe", unsubscribe), ("event-scan", scan), ("event-location", locationEvent), ("event-click", click),
        ("event-view", view), ("event-scancode-push", scanCodePush), ("event-scancode-waitmsg", scanCodeWaitMsg),
        ("event-pic-sysphoto", picSysPhoto), ("event-pic-photo-or-album", picPhotoOrAlbum), ("event-pic-weixin", picWeixin),
        ("event-location-select", locationSelect), ("event-view-miniprogram", viewMiniProgram),
        ("event-templatesendjobfinish", templateSendJobFinish), ("event-masssendjobfinish", massSendJobFinish),
        ("event-subscribe-msg-popup", subscribeMsgPopup), ("event-subscribe-msg-change", subscribeMsgChange),
        ("event-subscribe-msg-sent", subscribeMsgSent), ("event-kf-create-session", kfCreateSession),
        ("event-kf-close-session", kfCloseSession), ("event-kf-switch-session", kfSwitchSession),
        ("event-unknown", unknownEvent), ("encrypted-envelope", encryptedEnvelope),
    ]
}
