/// The faults a ``FakeWeChatAPI`` injects, changeable while it runs (``FakeWeChatAPI/faults``).
public struct FakeWeChatFaults: Sendable, Hashable {
    /// Probability that a send or typing call answers `{"errcode":-1,"errmsg":"system error"}`.
    public var failRate: Double
    /// Probability that a send or typing call answers HTTP 500 with an HTML page.
    public var http500Rate: Double
    /// Added before every answer.
    public var latency: Duration
    /// A random extra in `0...latencyJitter` added to ``latency`` for each answer (`--latency-jitter-ms`).
    public var latencyJitter: Duration = .zero
    /// When > 0, every access_token expires after each N-th successful send (`--expire-token-every N`).
    public var expireTokenEvery: Int
    /// Sends to these openids answer this errcode (`--reject-openid X:45015`).
    public var rejectedOpenIDs: [String: Int]

    public init(
        failRate: Double = 0, http500Rate: Double = 0, latency: Duration = .zero, latencyJitter: Duration = .zero, expireTokenEvery: Int = 0,
        rejectedOpenIDs: [String: Int] = [:]
    ) {
        self.failRate = failRate
        self.http500Rate = http500Rate
        self.latency = latency
        self.latencyJitter = latencyJitter
        self.expireTokenEvery = expireTokenEvery
        self.rejectedOpenIDs = rejectedOpenIDs
    }
}
