/// The account's keys beside the queue (issue 14), under the same `wx:{appid}` prefix:
///
/// | key | type | what |
/// | --- | --- | --- |
/// | `wx:{appid}:callback_ips` | string | WeChat's callback IPs and CIDR blocks, one a line, written by a worker from `getcallbackip`, read by the ingress |
/// | `wx:{appid}:callback_ips:due` | string | set for a day by the worker that refreshed the list, so one worker refreshes it per day |
/// | `wx:{appid}:profile:<openid>` | string | a follower's `user/info` JSON, cached with a TTL |
extension QueueKeys {
    /// WeChat's callback IPs (`getcallbackip`), one address or CIDR block a line.
    public var callbackIPs: String { "\(prefix):callback_ips" }
    /// Present while the list is fresh enough; the worker that sets it (`SET NX`) refreshes the list.
    public var callbackIPsDue: String { "\(prefix):callback_ips:due" }
    /// The cached profile of one follower.
    public func profile(_ openID: String) -> String { "\(prefix):profile:\(openID)" }
}
