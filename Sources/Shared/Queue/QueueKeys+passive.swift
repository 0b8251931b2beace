/// The keys of passive replies (issue 16), under the same `wx:{appid}` prefix:
///
/// | key | type | what |
/// | --- | --- | --- |
/// | `wx:{appid}:passive:<dedup key>` | hash | one message's passive-reply state (``PassiveReplyBoard``), 60 s |
/// | `wx:{appid}:passive:deferred:<openid>` | list | texts that go with the user's next message (`passive` mode), 7 days |
///
/// The wake-up lists of the ingress processes are not an account's: `wx:passive:wake:<instance>`
/// (``PassiveReplyBoard/wakeKey(instance:)``), one per process whatever the accounts it serves.
extension QueueKeys {
    /// One message's passive-reply state.
    public func passiveState(_ dedupKey: String) -> String { "\(prefix):passive:\(dedupKey)" }
    /// The texts one user gets with the next passive answer.
    public func passiveDeferred(_ openID: String) -> String { "\(prefix):passive:deferred:\(openID)" }
}
