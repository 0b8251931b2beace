import Shared

/// An account API call (menu, QR code) that failed, naming the call and explaining WeChat's errcode.
struct AccountCallFailure: Error, CustomStringConvertible {
    var call: String
    var error: WeChatAPIError
    var description: String { "WeChat refused \(call): \(error)" }
}
