import Crypto

/// The JS-SDK's `wx.config` signature (附录1): lowercase hex SHA-1 of
/// `jsapi_ticket=T&noncestr=N&timestamp=TS&url=URL`, with every value raw (no URL or HTML escaping)
/// and the URL without its `#fragment`.
public enum JSSDKSignature {
    /// The signature WeChat expects for these values; `url` must already be without its fragment.
    public static func sign(ticket: String, nonce: String, timestamp: Int64, url: String) -> String {
        let text = "jsapi_ticket=\(ticket)&noncestr=\(nonce)&timestamp=\(timestamp)&url=\(url)"
        return WeChatSignature.hex(Insecure.SHA1.hash(data: Array(text.utf8)))
    }
}
