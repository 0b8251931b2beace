/// One Official Account as every service sees it: who it is, how pushes to it are checked and how its
/// replies are delivered. A single-account deployment builds one from `WECHAT_*` variables; several come
/// from the accounts file (``AccountsFile``, `WECHAT_ACCOUNTS`).
public struct WeChatAccount: Sendable, Hashable {
    /// The AppID (`wx…`): the `{appid}` in every Redis key and in `/wechat/{appid}`.
    public var appID: String
    /// The original id (`gh_…`): a push's outer `ToUserName` must be this when set.
    public var originalID: String?
    /// The console's Token, which signs pushes (the ingress needs it).
    public var token: String?
    /// The EncodingAESKey (safe and compatible mode), and the one before it while rotating.
    public var aesKey: String?
    public var previousAESKey: String?
    /// The AppSecret (the worker and `web` need it), never written in the accounts file itself.
    public var secret: String?
    public var replyMode: ReplyMode
    /// How long the ingress waits for the worker's answer before giving up on a passive reply (under 5 s).
    public var passiveBudget: Duration
    /// What the last of WeChat's deliveries answers in `passive` mode when the real answer is not ready;
    /// the answer then goes with the user's next message.
    public var passivePlaceholder: String
    /// A name for logs and `worker status` (the appid when not given).
    public var name: String

    public static let defaultPassiveBudget = Duration.milliseconds(4_000)
    public static let defaultPassivePlaceholder = "正在思考，请稍后发送任意消息获取回复。"

    public init(
        appID: String, originalID: String? = nil, token: String? = nil, aesKey: String? = nil, previousAESKey: String? = nil,
        secret: String? = nil, replyMode: ReplyMode = .async, passiveBudget: Duration = defaultPassiveBudget,
        passivePlaceholder: String = defaultPassivePlaceholder, name: String? = nil
    ) {
        self.appID = appID
        self.originalID = originalID
        self.token = token
        self.aesKey = aesKey
        self.previousAESKey = previousAESKey
        self.secret = secret
        self.replyMode = replyMode
        self.passiveBudget = passiveBudget
        self.passivePlaceholder = passivePlaceholder
        self.name = name ?? appID
    }

    /// Whether an operator's `--account` value means this account: its name or its appid.
    public func isCalled(_ nameOrAppID: String) -> Bool { name == nameOrAppID || appID == nameOrAppID }

    /// The Redis keys of this account's queue.
    public var queueKeys: QueueKeys { QueueKeys(appID: appID) }
}
