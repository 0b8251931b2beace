import JWTKit

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Who a session belongs to, as `GET /oauth/me` and `POST /oauth/redeem` answer it.
struct SessionIdentity: Encodable, Sendable {
    var openid: String
    var scope: String
    var unionid: String?
    var nickname: String?
    var headimgurl: String?
    var snapshot: Bool
    /// Unix seconds.
    var expires_at: Int

    init(_ session: WebSession) {
        openid = session.sub.value
        scope = session.scope
        unionid = session.unionid
        nickname = session.nickname
        headimgurl = session.headimgurl
        snapshot = session.snapshot ?? false
        expires_at = Int(session.exp.value.timeIntervalSince1970)
    }
}

/// `POST /oauth/redeem`'s answer: the session JWT and who it is.
struct Redeemed: Encodable, Sendable {
    var session: String
    var identity: SessionIdentity

    func encode(to encoder: any Encoder) throws {
        try identity.encode(to: encoder)
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(session, forKey: .session)
    }

    private enum Key: String, CodingKey {
        case session
    }
}
