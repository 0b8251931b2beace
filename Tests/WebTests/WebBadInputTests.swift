import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import TestSupport
import Testing

@testable import Web

/// Hostile or broken requests to `web`: a 4xx with a clear answer, never a crash, a hang or a secret.
@Suite struct WebBadInputTests {
    @Test func hostileRequestsGetA4xx() async throws {
        let harness = try await WebHarness.make()
        try await harness.test { client in
            let huge = String(repeating: "a", count: 64 * 1024)
            let cases: [(String, HTTPRequest.Method, ByteBuffer?, HTTPResponse.Status)] = [
                ("/oauth/redeem", .post, ByteBuffer(repeating: 0x41, count: 10 << 20), .contentTooLarge),
                ("/oauth/redeem", .post, ByteBuffer(string: "{not json"), .badRequest),
                ("/oauth/redeem", .post, ByteBuffer(string: #"{"ticket":"../../etc/passwd"}"#), .notFound),
                ("/oauth/start?return=\(huge)", .get, nil, .badRequest),
                ("/oauth/start?scope=admin&return=%2Fdemo", .get, nil, .badRequest),
                ("/oauth/start", .get, nil, .badRequest),
                ("/oauth/callback?code=\(huge)&state=\(RandomToken.make())", .get, nil, .badRequest),
                ("/oauth/callback", .get, nil, .badRequest),
                ("/jssdk/config?url=\(huge)", .get, nil, .badRequest),
                ("/jssdk/config?url=%00%01", .get, nil, .badRequest),
                ("/oauth/me", .get, nil, .unauthorized),
            ]
            for (uri, method, body, expected) in cases {
                let response = try await client.execute(uri: uri, method: method, body: body)
                #expect(response.status == expected, "\(uri.prefix(80)) answered \(response.status)")
            }
            // A cookie that is not a JWT, and a JWT signed with another secret.
            let forged = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"
            for cookie in ["wx_session=garbage", "wx_session=\(forged)", "wx_session=\(huge)"] {
                #expect(try await client.execute(uri: "/oauth/me", method: .get, headers: [.cookie: cookie]).status == .unauthorized)
            }
            // Still serving.
            #expect(try await client.execute(uri: "/healthz", method: .get).status == .ok)
        }
    }
}
