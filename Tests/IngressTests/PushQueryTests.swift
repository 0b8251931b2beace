import Hummingbird
import HummingbirdCore
import Testing

@testable import Ingress

/// ``PushQuery`` reads a push's parameters exactly as Hummingbird's `queryParameters` does.
@Suite struct PushQueryTests {
    @Test func agreesWithHummingbird() {
        let queries = [
            "", "?", "?signature=abc&timestamp=1&nonce=2", "?signature=a%20b&timestamp=%31&nonce=%zz&encrypt_type=AES&msg_signature=%4",
            "?signature=1&signature=2&nonce&timestamp=", "?&&signature=x&&", "?nonce=%E4%BD%A0%ff&timestamp=a+b&msg_signature=%%41",
            "?Signature=1&signature%3D=2&signature==3", "?encrypt_type=aes&msg_signature=m&signature=s&timestamp=t&nonce=n&openid=o",
            "?nonce=a=b&timestamp=%41%42",
        ]
        for query in queries {
            let uri = URI("/wechat" + query)
            let expected = uri.queryParameters
            let parsed = PushQuery(uri)
            #expect(parsed.signature == expected.get("signature"), "\(query)")
            #expect(parsed.timestamp == expected.get("timestamp"), "\(query)")
            #expect(parsed.nonce == expected.get("nonce"), "\(query)")
            #expect(parsed.encryptType == expected.get("encrypt_type"), "\(query)")
            #expect(parsed.messageSignature == expected.get("msg_signature"), "\(query)")
        }
    }
}
