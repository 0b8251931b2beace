import JWTKit

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The session handed to the team's own web app: a JWT (HS256 with `WEB_SESSION_SECRET`), so any
/// language verifies it with its usual library. Standard claims: `sub` = openid, `aud` = appid,
/// `iss` = `wechat-relay`, `iat`, `exp`; plus `scope`, and `unionid`, `nickname`, `headimgurl`,
/// `snapshot` when known.
struct WebSession: JWTPayload {
    static let issuer = "wechat-relay"

    var sub: SubjectClaim
    var aud: AudienceClaim
    var iss: IssuerClaim
    var iat: IssuedAtClaim
    var exp: ExpirationClaim
    var scope: String
    var unionid: String?
    var nickname: String?
    var headimgurl: String?
    var snapshot: Bool?

    init(login: WebLogin, appID: String, issuedAt: Date, lifetimeSeconds: Int) {
        sub = SubjectClaim(value: login.openID)
        aud = AudienceClaim(value: appID)
        iss = IssuerClaim(value: Self.issuer)
        iat = IssuedAtClaim(value: issuedAt)
        exp = ExpirationClaim(value: issuedAt.addingTimeInterval(Double(lifetimeSeconds)))
        scope = login.scope.rawValue
        unionid = login.unionID
        nickname = login.nickname
        headimgurl = login.avatarURL
        snapshot = login.snapshot ? true : nil
    }

    func verify(using algorithm: some JWTAlgorithm) async throws {
        try exp.verifyNotExpired()
        guard iss.value == Self.issuer else { throw JWTError.claimVerificationFailure(failedClaim: iss, reason: "not issued by wechat-relay") }
    }
}
