import JWTKit

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Signs and verifies ``WebSession`` JWTs with `WEB_SESSION_SECRET` (HS256, jwt-kit).
struct SessionSigner: Sendable {
    let keys: JWTKeyCollection
    let appID: String
    let lifetimeSeconds: Int

    static func make(secret: String, appID: String, lifetimeSeconds: Int) async -> SessionSigner {
        let keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
        return SessionSigner(keys: keys, appID: appID, lifetimeSeconds: lifetimeSeconds)
    }

    func sign(_ login: WebLogin) async throws -> String {
        try await keys.sign(WebSession(login: login, appID: appID, issuedAt: Date(), lifetimeSeconds: lifetimeSeconds))
    }

    /// The session in `token`, or nil when the signature, the expiry, the issuer or the audience is wrong.
    func verify(_ token: some StringProtocol) async -> WebSession? {
        guard token.utf8.count <= 8192, let session = try? await keys.verify(String(token), as: WebSession.self) else { return nil }
        guard (try? session.aud.verifyIntendedAudience(includes: appID)) != nil else { return nil }
        return session
    }
}
