/// How the ingress answered a push of a `passive` or `hybrid` account (`wechat_ingress_passive_total`).
enum PassiveOutcome: String, Sendable, Hashable, CaseIterable {
    /// The worker's answer, as the passive XML reply (again, for a retry of an answered push).
    case passive
    /// `passive` mode, the last delivery: the "still thinking" text; the answer goes with the next message.
    case placeholder
    /// `passive` mode, an earlier delivery: held past WeChat's 5 s so that WeChat delivers again.
    case held
    /// `success`: the answer goes by customer service (`hybrid`) or with the next message (`passive`).
    case async
    /// `success` at once: too many requests were waiting (`INGRESS_PASSIVE_MAX_WAITING`).
    case overflow
    /// `success`: Redis failed; the worker decides the path itself.
    case error
}
