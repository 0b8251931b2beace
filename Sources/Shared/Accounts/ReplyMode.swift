/// How an account's replies reach the user (`WECHAT_REPLY_MODE`, or `reply_mode` in the accounts file).
///
/// - `async`: the ingress answers `success` at once; the worker replies through the customer-service API
///   (needs a verified account: an unverified one gets 48001).
/// - `passive`: the ingress waits for the worker's answer and returns it as the passive XML reply, within
///   the passive budget; slower answers ride WeChat's retries, then a placeholder, then the user's next
///   message. The only way for accounts without customer-service permission.
/// - `hybrid`: passive when the answer is ready within the budget, else `success` and customer-service.
public enum ReplyMode: String, Sendable, Hashable, CaseIterable, Codable {
    case async, passive, hybrid
}
