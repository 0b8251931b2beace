extension CustomerServiceMessage {
    /// The `msgtype` and its payload.
    public enum Content: Sendable, Hashable {
        /// May contain `<a href="…">` links.
        case text(String)
        case image(mediaID: String)
        case voice(mediaID: String)
        case video(mediaID: String, thumbMediaID: String, title: String?, description: String?)
        case music(Music)
        /// External-link article (one only; WeChat refuses more).
        case news(Article)
        /// An uploaded article, opened in WeChat.
        case mpnews(mediaID: String)
        /// A published article.
        case mpnewsArticle(articleID: String)
        /// A question with tappable answers; a tap comes back as a text message with `bizmsgmenuid`.
        case menu(Menu)
        case wxcard(cardID: String)
        /// A mini-program card (the mini-program must be linked to the account).
        case miniProgramPage(title: String, appID: String, pagePath: String, thumbMediaID: String)
    }

    /// The `music` payload (`musicurl`, `hqmusicurl`, `thumb_media_id`; title and description optional).
    public struct Music: Sendable, Hashable, Codable {
        public var title: String?
        public var description: String?
        public var musicURL: String
        public var hqMusicURL: String
        public var thumbMediaID: String

        public init(title: String? = nil, description: String? = nil, musicURL: String, hqMusicURL: String, thumbMediaID: String) {
            self.title = title
            self.description = description
            self.musicURL = musicURL
            self.hqMusicURL = hqMusicURL
            self.thumbMediaID = thumbMediaID
        }

        enum CodingKeys: String, CodingKey {
            case title, description
            case musicURL = "musicurl"
            case hqMusicURL = "hqmusicurl"
            case thumbMediaID = "thumb_media_id"
        }
    }

    /// One external-link article of a `news` message.
    public struct Article: Sendable, Hashable, Codable {
        public var title: String
        public var description: String
        public var url: String
        public var picURL: String

        public init(title: String, description: String, url: String, picURL: String) {
            self.title = title
            self.description = description
            self.url = url
            self.picURL = picURL
        }

        enum CodingKeys: String, CodingKey {
            case title, description, url
            case picURL = "picurl"
        }
    }

    /// The `msgmenu` payload: a heading, tappable options, a closing line.
    public struct Menu: Sendable, Hashable, Codable {
        /// One tappable option; `id` comes back as `bizmsgmenuid`.
        public struct Item: Sendable, Hashable, Codable {
            public var id: String
            public var content: String

            public init(id: String, content: String) {
                self.id = id
                self.content = content
            }
        }

        public var headContent: String
        public var items: [Item]
        public var tailContent: String

        public init(headContent: String, items: [Item], tailContent: String) {
            self.headContent = headContent
            self.items = items
            self.tailContent = tailContent
        }

        enum CodingKeys: String, CodingKey {
            case headContent = "head_content"
            case items = "list"
            case tailContent = "tail_content"
        }
    }
}
