/// Where one message's passive reply stands (field `s` of `wx:{appid}:passive:<dedup key>`).
///
/// `waiting` (the ingress holds the push) → `ready` (the worker stored the answer) → exactly one of
/// `passive` (the ingress answered it in the HTTP response), `async` (customer service) or `deferred`
/// (the user's next message). `waiting` may also go straight to `async` or `deferred` when the ingress
/// gives up before the answer is ready. `gone`: no state (expired, or never written).
public enum PassiveState: String, Sendable, Hashable, CaseIterable {
    case waiting, ready, passive, async, deferred, gone

    /// True once the path is chosen for good.
    public var isDecided: Bool { self == .passive || self == .async || self == .deferred }
}
