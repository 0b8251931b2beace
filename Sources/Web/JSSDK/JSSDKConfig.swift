/// `GET /jssdk/config`'s answer: what the page passes to `wx.config` (plus the URL that was signed).
struct JSSDKConfig: Encodable, Sendable, Hashable {
    var appId: String
    var timestamp: Int64
    var nonceStr: String
    var signature: String
    var url: String
}
