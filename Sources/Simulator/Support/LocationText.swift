import WeChatFake

/// `LATITUDE,LONGITUDE` as typed after `--location` or `/location`.
enum LocationText {
    /// The location message for `text`, or nil when it is not two numbers separated by a comma.
    static func kind(_ text: String, label: String) -> SimulatedMessage.Kind? {
        let parts = text.split(separator: ",").compactMap { Double($0.trimmingPrefix(" ")) }
        return parts.count == 2 ? .location(latitude: parts[0], longitude: parts[1], label: label) : nil
    }
}
