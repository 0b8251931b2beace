/// The one exchange of an OAuth code, shared through Redis by every request that carries the code:
/// the first writes `pending`, exchanges, then writes `done` with the login (or `failed`); the others
/// wait for it and reuse the result, so WeChat never sees a code twice (no 40163).
struct CodeExchangeRecord: Codable, Sendable {
    enum Phase: String, Codable, Sendable {
        case pending, done, failed
    }

    /// The `state` the exchange was made for: a second request must carry the same one.
    var state: String
    var phase: Phase
    var login: WebLogin?
    /// Why it failed, for the page (no codes or tokens).
    var failure: String?
}
