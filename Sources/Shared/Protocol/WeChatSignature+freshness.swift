extension WeChatSignature {
    /// The default replay window: a push whose `timestamp` is more than 300 s from our clock is refused.
    public static let defaultFreshnessWindow: Int64 = 300

    /// True when `timestamp` (decimal Unix seconds from the query string) lies within `window`
    /// seconds of `nowSeconds`, in either direction (clocks drift both ways).
    ///
    /// A timestamp that is not a plain decimal integer is never fresh. WeChat retries a push for about
    /// 15 s, so any window well above that keeps retries valid.
    public static func isFresh(timestamp: String, nowSeconds: Int64, window: Int64 = defaultFreshnessWindow) -> Bool {
        guard !timestamp.isEmpty, timestamp.utf8.count <= 18, timestamp.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
            let seconds = Int64(timestamp)
        else { return false }
        let (difference, overflow) = nowSeconds.subtractingReportingOverflow(seconds)
        guard !overflow, difference != .min else { return false }
        return abs(difference) <= window
    }
}
