/// The keys of passive replies (issue 16), under the same `wx:{appid}` prefix:
///
/// | key | type | what |
/// | --- | --- | --- |
/// | `wx:{appid}:passive:<dedup key>` | hash | one message's passive-reply state (``PassiveReplyBoard``), 60 s |
/// | `wx:{appid}:passive:wake:<instance>` | list | dedup keys whose answer is ready, for one ingress process's waiters |
/// | `wx:{appid}:passive:deferred:<openid>` | list | texts that go with the user's next message (`passive` mode), 7 days |
extension QueueKeys {
    /// One message's passive-reply state.
    public func passiveState(_ dedupKey: String) -> String { "\(prefix):passive:\(dedupKey)" }
    /// The wake-up list of one ingress process.
    public func passiveWake(_ instance: String) -> String { "\(prefix):passive:wake:\(instance)" }
    /// The texts one user gets with the next passive answer.
    public func passiveDeferred(_ openID: String) -> String { "\(prefix):passive:deferred:\(openID)" }
}
