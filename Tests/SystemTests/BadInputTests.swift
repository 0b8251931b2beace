import Foundation
import Shared
import TestSupport
import Testing
import WeChatFake

#if canImport(Glibc)
import Glibc
#endif

extension SystemTests {
    /// Hostile and broken pushes at the real ingress process: each refused with the right 4xx, nothing
    /// queued, and the process keeps serving.
    @Suite struct BadInputTests {
        struct Case: Sendable, CustomStringConvertible {
            var description: String
            var request: PushRequest
            var status: Int
        }

        static let billionLaughs = """
            <?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">\
            <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">\
            <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]><xml><ToUserName>gh_x</ToUserName><FromUserName>o-lol</FromUserName>\
            <CreateTime>1</CreateTime><MsgType>text</MsgType><Content>&lol4;</Content><MsgId>1</MsgId></xml>
            """

        static let externalEntity = """
            <?xml version="1.0"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><xml><ToUserName>gh_x</ToUserName>\
            <FromUserName>o-xxe</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><Content>&xxe;</Content><MsgId>2</MsgId></xml>
            """

        /// Every bad push, with the answer WeChatController gives it.
        static func cases(_ system: SystemFixture) throws -> [Case] {
            let plain = try system.pusher(.plaintext)
            let message = SimulatedMessage(from: "o-bad", kind: .text("bad"))
            let valid = try plain.request(for: message)
            func signed(_ body: String) throws -> PushRequest {
                Self.changed(try plain.request(for: message), body: body)
            }
            // Safe mode: a push whose ciphertext does not decrypt, signed correctly so that it gets that far.
            let timestamp = WallClock.seconds()
            let garbage = String(repeating: "QUJD", count: 16)
            let encrypted = try system.pusher(.safe).request(for: message, timestamp: timestamp, nonce: "12345")
            let garbageSignature = WeChatSignature.messageSignature(token: SystemFixture.token, timestamp: String(timestamp), nonce: "12345", encrypt: garbage)
            let undecryptable = Self.changed(
                encrypted,
                url: encrypted.url.replacingOccurrences(of: #"msg_signature=[0-9a-f]+"#, with: "msg_signature=\(garbageSignature)", options: .regularExpression),
                body: "<xml><ToUserName><![CDATA[gh_x]]></ToUserName><Encrypt><![CDATA[\(garbage)]]></Encrypt></xml>")
            return [
                Case(description: "bad signature", request: Self.changed(valid, url: valid.url.replacingOccurrences(of: "?signature=", with: "?signature=0")), status: 403),
                Case(description: "stale timestamp", request: try plain.request(for: message, timestamp: WallClock.seconds() - 3_600), status: 403),
                Case(description: "malformed XML", request: try signed("<xml><ToUserName><![CDATA[gh_x]]></ToUserName><MsgType>text"), status: 400),
                Case(description: "XXE", request: try signed(externalEntity), status: 400),
                Case(description: "billion laughs", request: try signed(billionLaughs), status: 400),
                Case(description: "10 MB body", request: try signed("<xml><Content>" + String(repeating: "A", count: 10 << 20) + "</Content></xml>"), status: 413),
                Case(description: "no query parameters", request: Self.changed(valid, url: system.endpoint), status: 400),
                Case(
                    description: "no nonce", request: Self.changed(valid, url: valid.url.replacingOccurrences(of: #"&nonce=[0-9]+"#, with: "", options: .regularExpression)),
                    status: 400),
                Case(description: "bad msg_signature", request: Self.changed(encrypted, url: encrypted.url.replacingOccurrences(of: "msg_signature=", with: "msg_signature=0")), status: 403),
                Case(description: "undecryptable body", request: undecryptable, status: 400),
            ]
        }

        /// `request` with another URL or body.
        static func changed(_ request: PushRequest, url: String? = nil, body: String? = nil) -> PushRequest {
            var changed = request
            changed.url = url ?? request.url
            changed.body = body ?? request.body
            return changed
        }

        @Test func hostilePushesAreRefusedAndTheIngressKeepsServing() async throws {
            let system = try await SystemFixture()  // no worker: whatever got queued would stay queued
            let before = try await system.messagesQueued()
            for bad in try Self.cases(system) {
                let answer = try await system.send([bad.request]).first
                #expect(answer?.status == bad.status, "\(bad): \(answer.map { "\($0.status) \($0.body.prefix(80))" } ?? "no answer")")
            }
            #expect(try await system.messagesQueued() == before)
            #expect(system.ingress.isRunning, "\(system.logTail())")
            #expect(try await system.readiness() == 200)

            let valid = try await system.push([SimulatedMessage(from: "o-good", kind: .text("still serving"))], mode: .safe)
            #expect(valid.first?.body == "success")
            #expect(try await system.messagesQueued() == before + 1)
            #expect(await system.stop(system.ingress, signal: SIGTERM) == 0, "\(system.logTail())")
        }
    }
}
