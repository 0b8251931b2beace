import Shared
import Synchronization

/// What the fake API keeps for the account besides tokens and sends: the menu set through the API
/// (default and conditional), the QR codes created, the callback IPs it reports, and the followers'
/// profiles. Tests read and change it while the fake runs (``FakeWeChatAPI/account``).
public final class FakeOfficialAccount: Sendable {
    /// A conditional menu as stored: its id, buttons and matchrule, as WeChat's JSON.
    public struct ConditionalMenu: Sendable, Hashable {
        public var menuID: Int
        public var buttons: JSONValue
        public var matchRule: JSONValue
    }

    /// A QR code made by `qrcode/create`.
    public struct QRCode: Sendable, Hashable {
        public var scene: String
        /// Seconds since 1970; nil for a permanent code.
        public var expiresAt: Int64?
    }

    struct Store {
        var menu: JSONValue?
        var menuID = 0
        var conditional: [ConditionalMenu] = []
        var nextMenuID = 1000
        var qrCodes: [String: QRCode] = [:]
        var callbackIPs = ["127.0.0.1", "101.226.103.0/25"]
        var profiles: [String: [String: JSONValue]] = [:]
        var userInfoErrcode: Int?
    }

    let store = Mutex(Store())

    public init() {}

    /// The default menu's `button` list as last set by `menu/create` (nil: none, `menu/get` answers 46003).
    public var menu: JSONValue? { store.withLock { $0.menu } }

    /// The conditional menus, oldest first.
    public var conditionalMenus: [ConditionalMenu] { store.withLock { $0.conditional } }

    /// The QR codes created so far, by ticket.
    public var qrCodes: [String: QRCode] { store.withLock { $0.qrCodes } }

    /// What `getcallbackip` answers (addresses and CIDR blocks, as WeChat's list may hold both).
    public var callbackIPs: [String] {
        get { store.withLock { $0.callbackIPs } }
        set { store.withLock { $0.callbackIPs = newValue } }
    }

    /// When set, `user/info` and `user/info/batchget` answer this errcode (a failing profile API).
    public var userInfoErrcode: Int? {
        get { store.withLock { $0.userInfoErrcode } }
        set { store.withLock { $0.userInfoErrcode = newValue } }
    }

    /// Sets the fields `user/info` answers for `openID` on top of the defaults (``profile(of:)``).
    public func setProfile(_ openID: String, _ fields: [String: JSONValue]) {
        store.withLock { $0.profiles[openID] = fields }
    }

    /// A follower's profile as `user/info` gives it since 2021-12-27: no nickname or avatar (empty), no
    /// sex or region; subscribe state, language, remark, tags, subscribe scene.
    public func profile(of openID: String) -> [String: JSONValue] {
        var profile: [String: JSONValue] = [
            "subscribe": .number(1), "openid": .string(openID), "language": .string("zh_CN"), "subscribe_time": .number(1_700_000_000),
            "nickname": .string(""), "headimgurl": .string(""), "remark": .string(""), "groupid": .number(0), "tagid_list": .array([]),
            "subscribe_scene": .string("ADD_SCENE_SEARCH"), "qr_scene": .number(0), "qr_scene_str": .string(""),
        ]
        profile.merge(store.withLock { $0.profiles[openID] } ?? [:]) { $1 }
        return profile
    }
}
