/// WeChat's rule for when a customer-service message may reach a user: which of the user's actions open a
/// window, how long it stays open and how many messages it allows. The worker's allowance tracking and the
/// fake API both apply these, so they agree by construction.
///
/// As read on 2026-12-01 in WeChat's customer-service message documentation
/// (developers.weixin.qq.com, offiaccount/Customer_Service/Customer_Service_Messages.html):
/// - the user sends a message → 5 messages within 48 hours (20 until 2021; each new message starts the
///   window again with its full allowance);
/// - the user clicks a menu item (`click`, `scancode_push`, `scancode_waitmsg` only), follows, or scans a
///   parametric QR code → 3 messages within 1 minute. Such a click does not open the 48-hour window.
///
/// Outside every window WeChat answers 45015; inside one whose allowance is spent, 45047. When both kinds of
/// window are open, a send spends the short one first (it ends sooner).
public enum ReplyWindowRule: String, Sendable, Hashable, CaseIterable {
    /// The user wrote (text, image, voice, video, location, link…): 5 within 48 h.
    case userMessage = "m"
    /// A menu click, a follow or a QR scan: 3 within 1 min.
    case interaction = "e"

    /// How many customer-service messages the window allows.
    public var allowance: Int {
        switch self {
        case .userMessage: return 5
        case .interaction: return 3
        }
    }

    /// How long the window stays open after the user's action.
    public var duration: Duration {
        switch self {
        case .userMessage: return .seconds(48 * 3600)
        case .interaction: return .seconds(60)
        }
    }

    /// The window `message` opens, nil when it opens none (events such as `LOCATION`, `VIEW`,
    /// `unsubscribe`, receipts).
    public init?(opening message: InboundMessage) {
        switch message.kind {
        case .text, .image, .voice, .video, .shortVideo, .location, .link, .miniProgramPage:
            self = .userMessage
        case .event(let event):
            switch event {
            case .subscribe, .scan, .click, .scanCodePush, .scanCodeWaitMsg: self = .interaction
            default: return nil
            }
        case .other:
            // `file` and whatever WeChat adds later are messages the user wrote.
            self = .userMessage
        }
    }
}
