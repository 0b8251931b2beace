import AsyncHTTPClient
import NIOCore
import Shared

extension WeChatPusher {
    /// The outcome of delivering one push the way WeChat does (``deliver(_:using:attempts:timeout:)``).
    public struct Delivery: Sendable, Hashable {
        /// The answer WeChat took: that of the first delivery answered in time, or nil when none was.
        public var result: PushResult?
        /// How many times the push was delivered (1 when the first answered in time).
        public var deliveries: Int
    }

    /// Delivers `request` like WeChat: when no answer comes within `timeout`, drops the connection and
    /// delivers the same push again, `attempts` times in all (WeChat: 3, 5 s each).
    public func deliver(_ request: PushRequest, using client: HTTPClient, attempts: Int = 3, timeout: Duration = .seconds(5)) async throws -> Delivery {
        for attempt in 1...max(1, attempts) {
            do {
                let result = try await send(request, using: client, timeout: .milliseconds(timeout.milliseconds))
                return Delivery(result: result, deliveries: attempt)
            } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout {
                continue
            }
        }
        return Delivery(result: nil, deliveries: max(1, attempts))
    }

    /// The passive reply in `body` (an answer to a push), or nil for `success` or an empty body. In safe
    /// mode the envelope's `MsgSignature` is checked with the Token before it is decrypted.
    public func passiveReply(in body: String) throws -> ReceivedPassiveReply? {
        let trimmed = body.trimmingPrefix(while: \.isWhitespace)
        guard !trimmed.isEmpty, trimmed != PassiveReply.acknowledgement else { return nil }
        var fields = try WeChatXML.parse(body)
        var encrypted = false
        var xml = body
        if let encrypt = fields.first(where: { $0.name == "Encrypt" })?.value {
            guard let crypto else { throw WeChatPusherError(description: "an encrypted reply, but no EncodingAESKey") }
            let value = { (name: String) in fields.first(where: { $0.name == name })?.value ?? "" }
            guard WeChatSignature.isValidMessageSignature(value("MsgSignature"), token: token, timestamp: value("TimeStamp"), nonce: value("Nonce"), encrypt: encrypt)
            else { throw WeChatPusherError(description: "the reply's MsgSignature does not match") }
            xml = String(decoding: try crypto.decrypt(encrypt).message, as: UTF8.self)
            fields = try WeChatXML.parse(xml)
            encrypted = true
        }
        guard let type = fields.first(where: { $0.name == "MsgType" })?.value else {
            throw WeChatPusherError(description: "the answer is neither success nor a passive reply: \(body.prefix(120))")
        }
        return ReceivedPassiveReply(msgType: type, text: type == "text" ? fields.first(where: { $0.name == "Content" })?.value : nil, xml: xml, wasEncrypted: encrypted)
    }
}
