import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Shared
import TestSupport
import Testing

@testable import Ingress

/// The callback-IP check (issue 14): WeChat's list in Redis, the client found behind trusted proxies,
/// enforce refusing, log counting, fail open without a list. The live tests connect from 127.0.0.1.
@Suite struct SourceCheckTests {
    static let wechat = "101.226.103.0/25"
    static let forwardedFor = HTTPField.Name("X-Forwarded-For")!

    func address(_ text: String) -> [UInt8]? { IPNetwork.address(text) }

    @Test func clientIsTheRightMostUntrustedHop() throws {
        let check = SourceCheck(mode: .enforce, trustedProxies: [try #require(IPNetwork(parsing: "10.0.0.0/8")), try #require(IPNetwork(parsing: "127.0.0.1"))])
        // Behind two trusted proxies: the hop before them, whatever the client wrote further left.
        #expect(check.client(peer: address("10.1.2.3"), forwardedFor: ["6.6.6.6, 101.226.103.5, 10.9.9.9"]) == address("101.226.103.5"))
        #expect(check.client(peer: address("127.0.0.1"), forwardedFor: ["6.6.6.6", "101.226.103.5:4431"]) == address("101.226.103.5"))
        // An untrusted peer's header is ignored.
        #expect(check.client(peer: address("203.0.113.8"), forwardedFor: ["101.226.103.5"]) == address("203.0.113.8"))
        // A trusted peer without a header is the client; a hop that is not an address leaves it unknown.
        #expect(check.client(peer: address("10.1.2.3"), forwardedFor: []) == address("10.1.2.3"))
        #expect(check.client(peer: address("10.1.2.3"), forwardedFor: ["1.2.3.4, junk"]) == nil)
        #expect(check.client(peer: address("::ffff:10.1.2.3"), forwardedFor: ["[2001:db8::7]:443"]) == address("2001:db8::7"))
        let list = [try #require(IPNetwork(parsing: Self.wechat))]
        #expect(check.outcome(client: address("101.226.103.127"), list: list) == .listed)
        #expect(check.outcome(client: address("101.226.103.128"), list: list) == .unlisted)
        #expect(check.outcome(client: address("101.226.103.5"), list: nil) == .noList)
    }

    @Test func blocksAndAddressesParse() {
        #expect(IPNetwork(parsing: "101.226.103.0/25")?.description == "101.226.103.0/25")
        #expect(IPNetwork(parsing: "101.226.103.77/25")?.description == "101.226.103.0/25")
        #expect(IPNetwork(parsing: "2001:db8::/32")?.contains(IPNetwork.address("2001:db8:1::1") ?? []) == true)
        for bad in ["", "10.0.0.0/33", "10.0.0/8", "example.com", "10.0.0.0/x", "::/129"] {
            #expect(IPNetwork(parsing: bad) == nil, "\(bad)")
        }
    }

    @Test func aBadTrustedProxyOrModeIsOneLineNamingTheVariable() {
        #expect(throws: ConfigurationError.self) { try IngressSettings(environment: ["INGRESS_TRUSTED_PROXIES": "10.0.0.0/8, 10.0.0.0/99"]) }
        do {
            _ = try IngressSettings(environment: ["INGRESS_TRUSTED_PROXIES": "10.0.0.0/8,nope"])
        } catch {
            #expect(error.description.contains("INGRESS_TRUSTED_PROXIES"))
            #expect(error.description.contains("'nope'"))
        }
        #expect(throws: ConfigurationError.self) { try IngressSettings(environment: ["INGRESS_SOURCE_CHECK": "strict"]) }
        #expect((try? IngressSettings(environment: [:]))?.sourceCheck.mode == .log)
    }

    /// Sets WeChat's list in Redis as a worker would (nil: none) and has the ingress read it.
    func setList(_ list: [String]?, harness: IngressHarness) async throws {
        let key = QueueKeys(appID: harness.appID).callbackIPs
        if let list {
            try await harness.redis.send("SET", RedisArgument(key), RedisArgument(list.joined(separator: "\n")))
        } else {
            try await harness.redis.send("DEL", RedisArgument(key))
        }
        #expect(await harness.components.callbackIPs.reload())
    }

    /// POSTs one signed push over a real socket from 127.0.0.1; the status.
    func push(_ harness: IngressHarness, id: Int64, forwardedFor: String? = nil) async throws -> HTTPResponse.Status {
        var headers = HTTPFields()
        if let forwardedFor { headers[Self.forwardedFor] = forwardedFor }
        let fields = headers
        return try await harness.components.application().test(.live) { client in
            try await client.execute(
                uri: "/wechat?\(IngressHarness.signedQuery())", method: .post, headers: fields, body: ByteBuffer(string: IngressHarness.textMessage(id: id))
            ) { $0.status }
        }
    }

    func metrics(_ harness: IngressHarness) -> String { String(decoding: harness.components.metrics.render(), as: UTF8.self) }

    @Test func enforceRefusesAnUnlistedSourceAndQueuesNothing() async throws {
        let harness = try await IngressHarness(extra: ["INGRESS_SOURCE_CHECK": "enforce"])
        defer { harness.close() }
        try await setList([Self.wechat], harness: harness)
        #expect(try await push(harness, id: 1) == .forbidden)
        #expect(try await harness.queuedEntries().isEmpty)
        #expect(metrics(harness).contains(#"wechat_ingress_source_checks_total{outcome="unlisted"} 1"#))
        #expect(metrics(harness).contains(#"wechat_ingress_requests_total{outcome="source_refused"} 1"#))
        // 127.0.0.1 added to the list: accepted.
        try await setList([Self.wechat, "127.0.0.1"], harness: harness)
        #expect(try await push(harness, id: 2) == .ok)
        #expect(try await harness.queuedEntries().count == 1)
    }

    @Test func enforceAcceptsAListedSourceBehindATrustedProxy() async throws {
        let harness = try await IngressHarness(extra: ["INGRESS_SOURCE_CHECK": "enforce", "INGRESS_TRUSTED_PROXIES": "127.0.0.1/32"])
        defer { harness.close() }
        try await setList([Self.wechat], harness: harness)
        #expect(try await push(harness, id: 1, forwardedFor: "203.0.113.66, 101.226.103.5") == .ok)
        #expect(try await push(harness, id: 2, forwardedFor: "101.226.103.5, 203.0.113.66") == .forbidden)
        #expect(try await harness.queuedEntries().count == 1)
        #expect(metrics(harness).contains(#"wechat_ingress_source_checks_total{outcome="listed"} 1"#))
    }

    @Test func aForgedForwardedForFromAnUntrustedPeerIsIgnored() async throws {
        let harness = try await IngressHarness(extra: ["INGRESS_SOURCE_CHECK": "enforce", "INGRESS_TRUSTED_PROXIES": "10.0.0.0/8"])
        defer { harness.close() }
        try await setList([Self.wechat], harness: harness)
        #expect(try await push(harness, id: 1, forwardedFor: "101.226.103.5") == .forbidden)
        #expect(try await harness.queuedEntries().isEmpty)
    }

    @Test func logModeOnlyCountsAndAMissingListFailsOpen() async throws {
        let harness = try await IngressHarness()  // the default mode: log
        defer { harness.close() }
        try await setList([Self.wechat], harness: harness)
        #expect(try await push(harness, id: 1) == .ok)
        #expect(metrics(harness).contains(#"wechat_ingress_source_checks_total{outcome="unlisted"} 1"#))

        let enforcing = try await IngressHarness(extra: ["INGRESS_SOURCE_CHECK": "enforce"])
        defer { enforcing.close() }
        try await setList(nil, harness: enforcing)
        #expect(try await push(enforcing, id: 2) == .ok)
        #expect(metrics(enforcing).contains(#"wechat_ingress_source_checks_total{outcome="no_list"} 1"#))
        #expect(metrics(enforcing).contains("wechat_ingress_callback_ips 0"))
        #expect(try await harness.queuedEntries().count == 1)
        #expect(try await enforcing.queuedEntries().count == 1)
    }
}
