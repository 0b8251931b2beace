/// A made-up Official Account that `make run`, `docker compose --profile demo` and `wxsim` use when no real
/// credentials are set. The fake API knows every one of them (``all``); WeChat's real API knows none.
///
/// - ``demo``: the single account of `make run` (`/wechat`), a verified service account in safe mode.
/// - ``shop``: a second verified service account in safe mode, with keys of its own (`/wechat/wxdemo0000000001`).
/// - ``blog``: an unverified subscription account in plaintext mode: no customer-service permission (the
///   real API answers its sends 48001), so it is meant for `reply_mode: passive`.
///
/// `examples/accounts.yaml` lists the same three; their AppSecrets come from `DEMO_APPSECRET`,
/// `SHOP_APPSECRET` and `BLOG_APPSECRET` there, as a real deployment's would.
public struct DemoAccount: Sendable, Hashable {
    /// A short name for logs and `wxsim --account NAME`.
    public var name: String
    /// The AppID (`wx…`).
    public var appID: String
    /// The AppSecret the fake API checks.
    public var secret: String
    /// The console's Token, which signs the pushes.
    public var token: String
    /// The EncodingAESKey (43 characters); nil for an account in plaintext mode.
    public var aesKey: String?
    /// The original id (`gh_…`), the `ToUserName` of every push to it.
    public var originalID: String
    /// False for an account WeChat has not verified (认证): no customer-service API.
    public var verified: Bool

    public init(name: String, appID: String, secret: String, token: String, aesKey: String?, originalID: String, verified: Bool) {
        self.name = name
        self.appID = appID
        self.secret = secret
        self.token = token
        self.aesKey = aesKey
        self.originalID = originalID
        self.verified = verified
    }

    /// The default demo account: what `make run` serves on `/wechat`.
    public static let demo = DemoAccount(
        name: "demo", appID: "wxdemo0000000000", secret: "demo-secret", token: "demo-token",
        aesKey: "DemoDemoDemoDemoDemoDemoDemoDemoDemoDemo12E", originalID: "gh_wxsim_demo", verified: true)

    /// A second verified service account with its own Token, AppSecret and EncodingAESKey.
    public static let shop = DemoAccount(
        name: "shop", appID: "wxdemo0000000001", secret: "shop-secret", token: "shop-token",
        aesKey: "ShopShopShopShopShopShopShopShopShopShop12E", originalID: "gh_wxsim_shop", verified: true)

    /// An unverified subscription account in plaintext mode (for `reply_mode: passive`).
    public static let blog = DemoAccount(
        name: "blog", appID: "wxdemo0000000002", secret: "blog-secret", token: "blog-token",
        aesKey: nil, originalID: "gh_wxsim_blog", verified: false)

    /// Every demo account, the default one first.
    public static let all = [demo, shop, blog]

    /// The AppIDs of the demo accounts WeChat has not verified, whose customer-service calls answer 48001.
    public static var unverifiedAppIDs: Set<String> { Set(all.filter { !$0.verified }.map(\.appID)) }

    /// The demo account named `nameOrAppID` (its ``name`` or its ``appID``), if any.
    public static func named(_ nameOrAppID: String) -> DemoAccount? {
        all.first { $0.name == nameOrAppID || $0.appID == nameOrAppID }
    }

    // The default account's values under their earlier names.
    public static var appID: String { demo.appID }
    public static var appSecret: String { demo.secret }
    public static var token: String { demo.token }
    /// A valid 43-character EncodingAESKey, so the demo runs in safe mode (encrypted pushes).
    public static var encodingAESKey: String { demo.aesKey ?? "" }
    /// The default account's original id (`ToUserName`).
    public static var originalID: String { demo.originalID }
}
