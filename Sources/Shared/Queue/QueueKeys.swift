/// Every Redis key of one Official Account, derived from its appid.
///
/// All keys share the hash tag `{appid}`, so the scripts that touch several of them stay valid on
/// Redis Cluster, where a script's keys must live in one slot.
public struct QueueKeys: Sendable, Hashable {
    /// `wx:{appid}`: the prefix of every key.
    public let prefix: String

    public init(appID: String) { prefix = "wx:{\(appID)}" }

    /// The stream of inbound messages written by the ingress and read by the workers.
    public var inbound: String { "\(prefix):in" }
    /// The consumer group the workers share on ``inbound``.
    public var consumerGroup: String { "workers" }
    /// The dead-letter stream: messages that could not be handled, with the reason; kept for replay.
    public var deadLetters: String { "\(prefix):dead" }
    /// The "already queued" marker of one inbound message.
    public func dedup(_ key: String) -> String { "\(prefix):dedup:\(key)" }
}
