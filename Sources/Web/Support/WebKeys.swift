import Crypto
import Shared

/// The `web` service's Redis keys, beside the queue's under the account's `wx:{appid}` hash tag.
///
/// | key | TTL | what |
/// | --- | --- | --- |
/// | `wx:{appid}:web:state:<state>` | 10 min | a sign-in in progress: return URL and scope (``OAuthState``), taken once with `GETDEL` |
/// | `wx:{appid}:web:code:<sha256(code)>` | 5 min | the one exchange of an OAuth code and its result (``CodeExchangeRecord``) |
/// | `wx:{appid}:web:handoff:<ticket>` | 2 min | a one-time ticket for the session JWT, taken once with `GETDEL` |
/// | `wx:{appid}:web:user:<openid>` | 30 days | the user's web-auth access and refresh tokens (``WebUserTokens``) |
/// | `wx:{appid}:ticket:jsapi` | 90% of 7200 s | the shared jsapi_ticket (``JSAPITicketProvider``) |
struct WebKeys: Sendable {
    let prefix: String

    init(appID: String) { prefix = QueueKeys(appID: appID).prefix + ":web" }

    func state(_ state: String) -> String { "\(prefix):state:\(state)" }
    /// Codes are credentials: the key holds their hash, never the code.
    func code(_ code: String) -> String { "\(prefix):code:\(WeChatSignature.hex(SHA256.hash(data: Array(code.utf8))))" }
    func handoff(_ ticket: String) -> String { "\(prefix):handoff:\(ticket)" }
    func user(_ openID: String) -> String { "\(prefix):user:\(openID)" }
}
