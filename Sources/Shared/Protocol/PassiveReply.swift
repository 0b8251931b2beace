/// A passive reply: the XML body of our answer to a push, shown to the user as a message from the
/// account. Only one per push, within 5 s; to answer later, reply ``acknowledgement`` now and use
/// ``CustomerServiceMessage`` afterwards.
///
/// `toUserName` is the user's OpenID (the push's `FromUserName`), `fromUserName` our `gh_` id (the
/// push's `ToUserName`). Strings go out as CDATA (a `]]>` is split; newlines stay real newlines).
/// In safe mode, wrap the XML with ``WeChatMessageCrypto/encryptedReply(_:token:timestamp:nonce:key:)``.
public struct PassiveReply: Sendable, Hashable {
    /// What the reply shows.
    public enum Content: Sendable, Hashable {
        case text(String)
        /// An image by `media_id` from the media upload API (no animated GIF).
        case image(mediaID: String)
        case voice(mediaID: String)
        case video(mediaID: String, title: String?, description: String?)
        case music(Music)
        /// One article (WeChat allows one per passive reply since 2018).
        case news(Article)
        /// Hand the conversation to the customer-service (KF) system, optionally to one account.
        case transferCustomerService(kfAccount: String?)
    }

    /// A `music` reply; `thumbMediaID` is the only required field.
    public struct Music: Sendable, Hashable {
        public var title: String?
        public var description: String?
        public var musicURL: String?
        public var hqMusicURL: String?
        public var thumbMediaID: String

        public init(title: String? = nil, description: String? = nil, musicURL: String? = nil, hqMusicURL: String? = nil, thumbMediaID: String) {
            self.title = title
            self.description = description
            self.musicURL = musicURL
            self.hqMusicURL = hqMusicURL
            self.thumbMediaID = thumbMediaID
        }
    }

    /// A `news` article.
    public struct Article: Sendable, Hashable {
        public var title: String
        public var description: String
        public var picURL: String
        public var url: String

        public init(title: String, description: String, picURL: String, url: String) {
            self.title = title
            self.description = description
            self.picURL = picURL
            self.url = url
        }
    }

    /// The body that acknowledges a push without replying: WeChat then neither retries nor shows an
    /// error. Sent as is, unencrypted, even in safe mode.
    public static let acknowledgement = "success"

    public var toUserName: String
    public var fromUserName: String
    public var createTime: Int64
    public var content: Content

    public init(toUserName: String, fromUserName: String, createTime: Int64, content: Content) {
        self.toUserName = toUserName
        self.fromUserName = fromUserName
        self.createTime = createTime
        self.content = content
    }

    /// A reply to `message`, with the user and account swapped as WeChat expects.
    public init(replyingTo message: InboundMessage, createTime: Int64, content: Content) {
        self.init(toUserName: message.fromUserName, fromUserName: message.toUserName, createTime: createTime, content: content)
    }
}
