extension CustomerServiceMessage: Codable {
    private enum CodingKeys: String, CodingKey {
        case toUser = "touser"
        case msgType = "msgtype"
        case customService = "customservice"
        case text, image, voice, video, music, news, mpnews, mpnewsarticle, msgmenu, wxcard, miniprogrampage
    }

    private struct CustomService: Codable, Hashable {
        var kf_account: String
    }

    private struct Text: Codable { var content: String }
    private struct Media: Codable { var media_id: String }
    private struct Video: Codable {
        var media_id: String
        var thumb_media_id: String
        var title: String?
        var description: String?
    }
    private struct News: Codable { var articles: [Article] }
    private struct ArticleID: Codable { var article_id: String }
    private struct Card: Codable { var card_id: String }
    private struct MiniProgram: Codable {
        var title: String
        var appid: String
        var pagepath: String
        var thumb_media_id: String
    }

    /// The `msgtype` value of the content.
    public var msgType: String {
        switch content {
        case .text: return "text"
        case .image: return "image"
        case .voice: return "voice"
        case .video: return "video"
        case .music: return "music"
        case .news: return "news"
        case .mpnews: return "mpnews"
        case .mpnewsArticle: return "mpnewsarticle"
        case .menu: return "msgmenu"
        case .wxcard: return "wxcard"
        case .miniProgramPage: return "miniprogrampage"
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(toUser, forKey: .toUser)
        try container.encode(msgType, forKey: .msgType)
        switch content {
        case .text(let content): try container.encode(Text(content: content), forKey: .text)
        case .image(let mediaID): try container.encode(Media(media_id: mediaID), forKey: .image)
        case .voice(let mediaID): try container.encode(Media(media_id: mediaID), forKey: .voice)
        case .video(let mediaID, let thumb, let title, let description):
            try container.encode(Video(media_id: mediaID, thumb_media_id: thumb, title: title, description: description), forKey: .video)
        case .music(let music): try container.encode(music, forKey: .music)
        case .news(let article): try container.encode(News(articles: [article]), forKey: .news)
        case .mpnews(let mediaID): try container.encode(Media(media_id: mediaID), forKey: .mpnews)
        case .mpnewsArticle(let articleID): try container.encode(ArticleID(article_id: articleID), forKey: .mpnewsarticle)
        case .menu(let menu): try container.encode(menu, forKey: .msgmenu)
        case .wxcard(let cardID): try container.encode(Card(card_id: cardID), forKey: .wxcard)
        case .miniProgramPage(let title, let appID, let pagePath, let thumb):
            try container.encode(MiniProgram(title: title, appid: appID, pagepath: pagePath, thumb_media_id: thumb), forKey: .miniprogrampage)
        }
        try container.encodeIfPresent(kfAccount.map(CustomService.init), forKey: .customService)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        toUser = try container.decode(String.self, forKey: .toUser)
        kfAccount = try container.decodeIfPresent(CustomService.self, forKey: .customService)?.kf_account
        let type = try container.decode(String.self, forKey: .msgType)
        switch type {
        case "text": content = .text(try container.decode(Text.self, forKey: .text).content)
        case "image": content = .image(mediaID: try container.decode(Media.self, forKey: .image).media_id)
        case "voice": content = .voice(mediaID: try container.decode(Media.self, forKey: .voice).media_id)
        case "video":
            let video = try container.decode(Video.self, forKey: .video)
            content = .video(mediaID: video.media_id, thumbMediaID: video.thumb_media_id, title: video.title, description: video.description)
        case "music": content = .music(try container.decode(Music.self, forKey: .music))
        case "news":
            let articles = try container.decode(News.self, forKey: .news).articles
            guard articles.count == 1, let article = articles.first else {
                throw DecodingError.dataCorruptedError(forKey: .news, in: container, debugDescription: "news carries exactly one article")
            }
            content = .news(article)
        case "mpnews": content = .mpnews(mediaID: try container.decode(Media.self, forKey: .mpnews).media_id)
        case "mpnewsarticle": content = .mpnewsArticle(articleID: try container.decode(ArticleID.self, forKey: .mpnewsarticle).article_id)
        case "msgmenu": content = .menu(try container.decode(Menu.self, forKey: .msgmenu))
        case "wxcard": content = .wxcard(cardID: try container.decode(Card.self, forKey: .wxcard).card_id)
        case "miniprogrampage":
            let page = try container.decode(MiniProgram.self, forKey: .miniprogrampage)
            content = .miniProgramPage(title: page.title, appID: page.appid, pagePath: page.pagepath, thumbMediaID: page.thumb_media_id)
        default:
            throw DecodingError.dataCorruptedError(forKey: .msgType, in: container, debugDescription: "unknown msgtype \(type)")
        }
    }
}
