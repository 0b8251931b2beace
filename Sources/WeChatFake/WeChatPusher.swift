import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import Shared

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Does what WeChat's servers do with a user's message: signs it with the account's Token, encrypts it
/// in safe or compatible mode with the EncodingAESKey, and POSTs it to the account's URL with a 5 s
/// timeout. `wxsim send`, `wxsim chat`, `wxsim load` and the system tests all push through it.
public struct WeChatPusher: Sendable {
    /// The message encryption mode chosen in the WeChat console.
    public enum Mode: String, Sendable, CaseIterable {
        /// 明文模式: plaintext XML, `signature` only.
        case plaintext
        /// 兼容模式: the plaintext fields and an `<Encrypt>` element, `encrypt_type=aes&msg_signature=…`.
        case compatible
        /// 安全模式: only `<ToUserName>` and `<Encrypt>`.
        case safe
    }

    /// The account's URL, e.g. `http://127.0.0.1:8080/wechat`.
    public let endpoint: String
    public let token: String
    public let mode: Mode
    /// The account's original id (`gh_…`): the `ToUserName` its messages carry (the ingress refuses a push
    /// to an account whose original id it knows when they differ).
    public let originalID: String
    let crypto: WeChatMessageCrypto?

    /// - Parameter encodingAESKey: required for `.compatible` and `.safe`.
    public init(
        endpoint: String, token: String, appID: String, encodingAESKey: String? = nil, mode: Mode? = nil,
        originalID: String = DemoAccount.originalID
    ) throws {
        self.endpoint = endpoint
        self.token = token
        self.originalID = originalID
        self.mode = mode ?? (encodingAESKey == nil ? .plaintext : .safe)
        if self.mode == .plaintext {
            crypto = nil
        } else {
            guard let encodingAESKey else { throw WeChatPusherError(description: "\(self.mode.rawValue) mode needs an EncodingAESKey") }
            crypto = try WeChatMessageCrypto(appID: appID, encodingAESKey: encodingAESKey)
        }
    }

    /// A message from `user` to this account (`ToUserName` is ``originalID``).
    public func message(from user: String, kind: SimulatedMessage.Kind) -> SimulatedMessage {
        SimulatedMessage(from: user, to: originalID, kind: kind)
    }

    /// The URL (with its signed query) and body WeChat would POST for `message`.
    public func request(for message: SimulatedMessage, timestamp: Int64 = WallClock.seconds(), nonce: String = String(UInt32.random(in: 100_000_000...999_999_999))) throws -> PushRequest {
        let timestamp = String(timestamp)
        let signature = WeChatSignature.urlSignature(token: token, timestamp: timestamp, nonce: nonce)
        var query = "signature=\(signature)&timestamp=\(timestamp)&nonce=\(nonce)&openid=\(PercentEncoding.encode(message.from))"
        let plaintext = message.xml
        guard let crypto else { return PushRequest(url: url(query), body: plaintext) }
        let encrypt = try crypto.encrypt(Array(plaintext.utf8))
        query += "&encrypt_type=aes&msg_signature=" + WeChatSignature.messageSignature(token: token, timestamp: timestamp, nonce: nonce, encrypt: encrypt)
        let encryptElement = XMLWriter.element("Encrypt", cdata: encrypt)
        switch mode {
        case .compatible:
            return PushRequest(url: url(query), body: String(plaintext.dropLast("</xml>".count)) + encryptElement + "</xml>")
        default:
            return PushRequest(url: url(query), body: "<xml>" + XMLWriter.element("ToUserName", cdata: message.to) + encryptElement + "</xml>")
        }
    }

    /// POSTs `message` once, the way WeChat does (XML body, 5 s timeout), and returns the answer.
    public func push(_ message: SimulatedMessage, using client: HTTPClient, timeout: TimeAmount = .seconds(5)) async throws -> PushResult {
        try await send(try request(for: message), using: client, timeout: timeout)
    }

    /// POSTs a prepared request (the same request again is what a WeChat retry looks like).
    public func send(_ request: PushRequest, using client: HTTPClient, timeout: TimeAmount = .seconds(5)) async throws -> PushResult {
        var post = HTTPClientRequest(url: request.url)
        post.method = .POST
        post.headers.add(name: "Content-Type", value: "text/xml")
        post.headers.add(name: "User-Agent", value: "Mozilla/4.0 (wxsim)")
        post.body = .bytes(ByteBuffer(string: request.body))
        let response = try await client.execute(post, timeout: timeout)
        let body = try await response.body.collect(upTo: 1 << 20)
        return PushResult(status: Int(response.status.code), body: String(buffer: body))
    }

    private func url(_ query: String) -> String {
        endpoint + (endpoint.contains("?") ? "&" : "?") + query
    }
}

/// One push as WeChat would send it: the full URL with the signed query, and the XML body.
public struct PushRequest: Sendable, Hashable {
    public var url: String
    public var body: String
}

/// The account's answer to a push: `success`, an empty body, or a passive reply.
public struct PushResult: Sendable, Hashable {
    public var status: Int
    public var body: String
    /// What WeChat accepts as "received" (HTTP 200 with `success`, an empty body or a reply).
    public var isAccepted: Bool { status == 200 }
}

/// A push could not be prepared (a missing or invalid EncodingAESKey).
public struct WeChatPusherError: Error, Sendable, CustomStringConvertible {
    public var description: String
}
