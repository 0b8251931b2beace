/// How logs show an openid: enough to tell users apart, not enough to identify one.
public enum OpenIDMask {
    /// `oyOR***Xk`, or `***` for a short one.
    public static func mask(_ openID: String) -> String {
        guard openID.count > 8 else { return "***" }
        return String(openID.prefix(4)) + "***" + String(openID.suffix(2))
    }
}
