import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Shared
import TestSupport
import Testing

@testable import Ingress

@Suite struct WeChatControllerTests {
    @Test func urlVerificationEchoesOnlyForAValidSignature() async throws {
        let harness = try await IngressHarness()
        defer { harness.close() }
        let now = String(Int64(Date().timeIntervalSince1970))
        let signature = WeChatSignature.urlSignature(token: IngressHarness.token, timestamp: now, nonce: "1514711492")
        try await harness.components.application().test(.router) { client in
            try await client.execute(uri: "/wechat?signature=\(signature)&timestamp=\(now)&nonce=1514711492&echostr=4375120948345356249", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == "4375120948345356249")
            }
            try await client.execute(uri: "/wechat?signature=0000&timestamp=\(now)&nonce=1514711492&echostr=4375120948345356249", method: .get) { response in
                #expect(response.status == .forbidden)
                #expect(!String(buffer: response.body).contains("4375120948345356249"))
            }
            try await client.execute(uri: "/wechat?timestamp=1714036504&echostr=x", method: .get) { response in
                #expect(response.status == .badRequest)
            }
        }
    }

    @Test func plaintextPushIsQueuedOnceAcrossWeChatsRetries() async throws {
        let harness = try await IngressHarness()
        defer { harness.close() }
        let body = IngressHarness.textMessage(id: 6_054_768_590_064_713_728)
        try await harness.components.application().test(.router) { client in
            for _ in 0..<3 {
                try await client.execute(uri: "/wechat?\(IngressHarness.signedQuery())", method: .post, body: ByteBuffer(string: body)) { response in
                    #expect(response.status == .ok)
                    #expect(String(buffer: response.body) == "success")
                }
            }
        }
        let entries = try await harness.queuedEntries()
        #expect(entries.count == 1)
        let entry = try #require(entries.first)
        #expect(entry.dedupKey.contains("6054768590064713728"))
        #expect(entry.user == "oABCDEFGHIJ123")
        let envelope = try #require(entry.envelope)
        #expect(envelope.appID == harness.appID)
        #expect(envelope.message.fromUserName == "oABCDEFGHIJ123")
        #expect(envelope.message["Content"] == "你好 👋")
        let metrics = String(decoding: harness.components.metrics.render(), as: UTF8.self)
        #expect(metrics.contains(#"wechat_ingress_requests_total{outcome="queued"} 1"#))
        #expect(metrics.contains(#"wechat_ingress_requests_total{outcome="duplicate"} 2"#))
    }

    @Test func refusalsAreFourHundredsAndQueueNothing() async throws {
        let harness = try await IngressHarness(extra: ["INGRESS_MAX_BODY_BYTES": "2048"])
        defer { harness.close() }
        let good = IngressHarness.textMessage(id: 1)
        let stale = IngressHarness.signedQuery(timestamp: Int64(Date().timeIntervalSince1970) - 3_600)
        let cases: [(query: String, body: String, status: HTTPResponse.Status)] = [
            ("signature=bad&timestamp=1&nonce=2", good, .forbidden),
            (stale, good, .forbidden),
            ("timestamp=1&nonce=2", good, .badRequest),
            (IngressHarness.signedQuery(), "<xml><ToUserName>", .badRequest),
            (IngressHarness.signedQuery(), "not xml at all", .badRequest),
            (IngressHarness.signedQuery(), #"<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><xml><Content>&e;</Content></xml>"#, .badRequest),
            (IngressHarness.signedQuery(), #"<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><xml>&lol2;</xml>"#, .badRequest),
            (IngressHarness.signedQuery(), String(repeating: "<a>", count: 500), .badRequest),
            (IngressHarness.signedQuery(), "<xml>" + String(repeating: "x", count: 4_000) + "</xml>", .contentTooLarge),
            (IngressHarness.signedQuery(extra: "&encrypt_type=aes"), good, .badRequest),  // no msg_signature
        ]
        try await harness.components.application().test(.router) { client in
            for item in cases {
                try await client.execute(uri: "/wechat?\(item.query)", method: .post, body: ByteBuffer(string: item.body)) { response in
                    #expect(response.status == item.status, "\(item.query) \(item.body.prefix(40))")
                    #expect(!String(buffer: response.body).contains("passwd"))
                }
            }
        }
        #expect(try await harness.queuedEntries().isEmpty)
    }

    @Test func safeModePushIsDecryptedAndQueued() async throws {
        let harness = try await IngressHarness(aesKey: IngressHarness.aesKey)
        defer { harness.close() }
        let crypto = try WeChatMessageCrypto(appID: harness.appID, encodingAESKey: IngressHarness.aesKey)
        let strangerCrypto = try WeChatMessageCrypto(appID: "wxsomeoneelse", encodingAESKey: IngressHarness.aesKey)
        let timestamp = Int64(Date().timeIntervalSince1970)

        func request(_ plain: String, with crypto: WeChatMessageCrypto, compatible: Bool = false, tamper: Bool = false) throws -> (String, String) {
            let encrypt = try crypto.encrypt(Array(plain.utf8))
            let messageSignature =
                tamper ? String(repeating: "0", count: 40) : WeChatSignature.messageSignature(token: IngressHarness.token, timestamp: String(timestamp), nonce: "777", encrypt: encrypt)
            let query = IngressHarness.signedQuery(timestamp: timestamp, nonce: "777", extra: "&encrypt_type=aes&msg_signature=\(messageSignature)")
            let inner = compatible ? plain.replacingOccurrences(of: "</xml>", with: "") : "<xml><ToUserName><![CDATA[gh_test]]></ToUserName>"
            return (query, inner + "<Encrypt><![CDATA[\(encrypt)]]></Encrypt></xml>")
        }

        let safe = try request(IngressHarness.textMessage(id: 101, content: "safe 🔐"), with: crypto)
        let compatible = try request(IngressHarness.textMessage(id: 102, content: "compatible"), with: crypto, compatible: true)
        let tampered = try request(IngressHarness.textMessage(id: 103), with: crypto, tamper: true)
        let wrongApp = try request(IngressHarness.textMessage(id: 104), with: strangerCrypto)
        try await harness.components.application().test(.router) { client in
            for (request, status) in [(safe, HTTPResponse.Status.ok), (compatible, .ok), (tampered, .forbidden), (wrongApp, .badRequest)] {
                try await client.execute(uri: "/wechat?\(request.0)", method: .post, body: ByteBuffer(string: request.1)) { response in
                    #expect(response.status == status)
                }
            }
        }
        let entries = try await harness.queuedEntries()
        let contents = entries.map { $0.envelope?.message["Content"] }
        #expect(contents == ["safe 🔐", "compatible"])
    }

    @Test func droppedEventsAreAnsweredButNotQueued() async throws {
        let harness = try await IngressHarness(extra: ["INGRESS_DROP_EVENTS": "TEMPLATESENDJOBFINISH, location"])
        defer { harness.close() }
        let receipt = """
            <xml><ToUserName><![CDATA[gh_test]]></ToUserName><FromUserName><![CDATA[oUSER]]></FromUserName>\
            <CreateTime>1714036504</CreateTime><MsgType><![CDATA[event]]></MsgType>\
            <Event><![CDATA[TEMPLATESENDJOBFINISH]]></Event><MsgID>200163836</MsgID><Status><![CDATA[success]]></Status></xml>
            """
        try await harness.components.application().test(.router) { client in
            try await client.execute(uri: "/wechat?\(IngressHarness.signedQuery())", method: .post, body: ByteBuffer(string: receipt)) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == "success")
            }
            try await client.execute(uri: "/wechat?\(IngressHarness.signedQuery())", method: .post, body: ByteBuffer(string: IngressHarness.textMessage(id: 9))) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/metrics", method: .get) { response in
                let text = String(buffer: response.body)
                #expect(text.contains(#"wechat_ingress_dropped_events_total{event="TEMPLATESENDJOBFINISH"} 1"#))
                #expect(text.contains(#"wechat_ingress_requests_total{outcome="dropped"} 1"#))
            }
        }
        #expect(try await harness.queuedEntries().count == 1)
    }

    @Test func theDroppedEventsLabelIsABoundedSet() async throws {
        let harness = try await IngressHarness(extra: ["INGRESS_DROP_EVENTS": "made_up_event_7f3a, location"])
        defer { harness.close() }
        @Sendable func event(_ name: String) -> String {
            """
            <xml><ToUserName><![CDATA[gh_test]]></ToUserName><FromUserName><![CDATA[oUSER]]></FromUserName>\
            <CreateTime>1714036504</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[\(name)]]></Event></xml>
            """
        }
        try await harness.components.application().test(.router) { client in
            for name in ["made_up_event_7f3a", "LOCATION", "location"] {
                try await client.execute(uri: "/wechat?\(IngressHarness.signedQuery())", method: .post, body: ByteBuffer(string: event(name))) { response in
                    #expect(response.status == .ok)
                }
            }
        }
        let metrics = String(decoding: harness.components.metrics.render(), as: UTF8.self)
        #expect(metrics.contains(#"wechat_ingress_dropped_events_total{event="other"} 1"#))
        #expect(metrics.contains(#"wechat_ingress_dropped_events_total{event="LOCATION"} 2"#))
        #expect(!metrics.contains("made_up_event_7f3a"))
    }

    @Test func redisDownMeansSpooledThenReplayedWithNothingLostOrDoubled() async throws {
        let server = try await RedisServerProcess()
        defer { server.stop() }
        let harness = try await IngressHarness(redisURL: server.url())
        defer { harness.close() }
        server.stop()
        try await harness.components.application().test(.router) { client in
            for id in 0..<20 {
                for _ in 0..<2 {  // each delivered twice, as WeChat retries
                    try await client.execute(uri: "/wechat?\(IngressHarness.signedQuery())", method: .post, body: ByteBuffer(string: IngressHarness.textMessage(id: Int64(1000 + id)))) { response in
                        #expect(response.status == .ok)
                        #expect(String(buffer: response.body) == "success")
                    }
                }
            }
            try await client.execute(uri: "/readyz", method: .get) { response in
                #expect(response.status == .ok)  // the spool can still take messages
            }
        }
        #expect(harness.components.spool.gauge.records == 40)

        try await server.start()
        #expect(try await harness.drainSpool())
        let keys = try await harness.queuedEntries().map(\.dedupKey)
        #expect(keys.count == 20)
        #expect(Set(keys).count == 20)
    }

    @Test func fullSpoolAndNoRedisIsA503() async throws {
        let server = try await RedisServerProcess()
        let url = server.url()
        server.stop()
        let harness = try await IngressHarness(redisURL: url, extra: ["INGRESS_SPOOL_MAX_BYTES": "4096"])
        defer { harness.close() }
        let statuses = try await harness.components.application().test(.router) { client in
            var statuses: [HTTPResponse.Status] = []
            for id in 0..<30 {
                let response = try await client.execute(uri: "/wechat?\(IngressHarness.signedQuery())", method: .post, body: ByteBuffer(string: IngressHarness.textMessage(id: Int64(id))))
                statuses.append(response.status)
            }
            try await client.execute(uri: "/readyz", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
            }
            return statuses
        }
        #expect(statuses.first == .ok)
        #expect(statuses.last == .serviceUnavailable)
        #expect(statuses.filter { $0 == .ok }.count == harness.components.spool.gauge.records)
    }
}
