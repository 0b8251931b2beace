extension PassiveReply {
    /// The reply's XML body (UTF-8), e.g.
    /// `<xml><ToUserName><![CDATA[o..]]></ToUserName><FromUserName><![CDATA[gh_..]]></FromUserName><CreateTime>1</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[hi]]></Content></xml>`.
    public var xml: String {
        var out = "<xml>"
        out += XMLWriter.element("ToUserName", cdata: toUserName)
        out += XMLWriter.element("FromUserName", cdata: fromUserName)
        out += "<CreateTime>\(createTime)</CreateTime>"
        out += XMLWriter.element("MsgType", cdata: msgType)
        out += body
        return out + "</xml>"
    }

    /// The `MsgType` of the reply.
    public var msgType: String {
        switch content {
        case .text: return "text"
        case .image: return "image"
        case .voice: return "voice"
        case .video: return "video"
        case .music: return "music"
        case .news: return "news"
        case .transferCustomerService: return "transfer_customer_service"
        }
    }

    private var body: String {
        switch content {
        case .text(let text):
            return XMLWriter.element("Content", cdata: text)
        case .image(let mediaID):
            return "<Image>" + XMLWriter.element("MediaId", cdata: mediaID) + "</Image>"
        case .voice(let mediaID):
            return "<Voice>" + XMLWriter.element("MediaId", cdata: mediaID) + "</Voice>"
        case .video(let mediaID, let title, let description):
            return "<Video>" + XMLWriter.element("MediaId", cdata: mediaID) + optional("Title", title)
                + optional("Description", description) + "</Video>"
        case .music(let music):
            return "<Music>" + optional("Title", music.title) + optional("Description", music.description)
                + optional("MusicUrl", music.musicURL) + optional("HQMusicUrl", music.hqMusicURL)
                + XMLWriter.element("ThumbMediaId", cdata: music.thumbMediaID) + "</Music>"
        case .news(let article):
            return "<ArticleCount>1</ArticleCount><Articles><item>" + XMLWriter.element("Title", cdata: article.title)
                + XMLWriter.element("Description", cdata: article.description) + XMLWriter.element("PicUrl", cdata: article.picURL)
                + XMLWriter.element("Url", cdata: article.url) + "</item></Articles>"
        case .transferCustomerService(let kfAccount):
            return kfAccount.map { "<TransInfo>" + XMLWriter.element("KfAccount", cdata: $0) + "</TransInfo>" } ?? ""
        }
    }

    private func optional(_ name: String, _ value: String?) -> String {
        value.map { XMLWriter.element(name, cdata: $0) } ?? ""
    }
}
