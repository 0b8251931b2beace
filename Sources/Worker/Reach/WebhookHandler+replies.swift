import Shared

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension WebhookHandler {
    /// Reads the webhook's answer: `{"messages":[…], "fallback":{…}, "long_text":"split"}` (or a bare
    /// array of messages). Each message is a customer-service body without `touser`, and may carry its
    /// own `fallback` and `long_text`; an `image`, `voice` or `video` may give, instead of a `media_id`,
    /// `"base64":"…"` or `"url":"https://…"` (and `"ext":"png"`) for media the bot created: the worker
    /// uploads it (``MediaUploader``).
    static func replies(from body: [UInt8], to openID: String) throws -> [Reply] {
        if body.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r") }) { return [] }
        guard let answer = try? JSONDecoder().decode(JSONValue.self, from: Data(body)) else {
            throw HandlerError.permanent("webhook answer is not JSON")
        }
        let list: [JSONValue]
        var fallback: ReplyFallback?
        var longText = LongTextPolicy.split
        if let array = answer.array {
            list = array
        } else if let object = answer.object {
            list = object["messages"]?.array ?? []
            fallback = try object["fallback"].map(readFallback)
            longText = try object["long_text"].map(readLongText) ?? longText
        } else {
            throw HandlerError.permanent("webhook answer must be an object with messages")
        }
        var replies: [Reply] = []
        for item in list {
            guard var object = item.object else { throw HandlerError.permanent("each webhook message must be an object") }
            let ownFallback = try object.removeValue(forKey: "fallback").map(readFallback)
            let ownLongText = try object.removeValue(forKey: "long_text").map(readLongText)
            let upload = try mediaUpload(in: &object)
            object["touser"] = .string(openID)
            do {
                let content = try CustomerServiceMessage(jsonBody: object.json.encodedBytes).content
                replies.append(Reply(content, fallback: ownFallback ?? fallback, longText: ownLongText ?? longText, upload: upload))
            } catch {
                throw HandlerError.permanent("webhook message is not a customer-service message: \(error)")
            }
        }
        return replies
    }

    private static func readFallback(_ json: JSONValue) throws -> ReplyFallback {
        do {
            return try ReplyFallback(json: json)
        } catch {
            throw HandlerError.permanent("webhook fallback: \(error)")
        }
    }

    private static func readLongText(_ json: JSONValue) throws -> LongTextPolicy {
        guard let policy = json.string.flatMap(LongTextPolicy.init(rawValue:)) else {
            throw HandlerError.permanent("webhook long_text must be split or truncate")
        }
        return policy
    }

    /// Media given as bytes or a URL instead of a media_id: the upload, with a placeholder media_id in
    /// the message until the upload's replaces it.
    private static func mediaUpload(in object: inout [String: JSONValue]) throws -> MediaUpload? {
        guard let type = object["msgtype"]?.string, let kind = MediaUpload.Kind(rawValue: type), kind != .thumb,
            var media = object[type]?.object, media["media_id"] == nil
        else { return nil }
        let base64 = media.removeValue(forKey: "base64")?.string
        let url = media.removeValue(forKey: "url")?.string
        let fileExtension = media.removeValue(forKey: "ext")?.string
        guard base64 != nil || url != nil else { return nil }
        var upload = MediaUpload(kind: kind, bytes: nil, url: url, fileExtension: fileExtension)
        if let base64 {
            guard let bytes = Data(base64Encoded: base64).map(Array.init) else { throw HandlerError.permanent("webhook \(type).base64 is not base64") }
            upload.bytes = bytes
        }
        media["media_id"] = .string("pending-upload")
        object[type] = .object(media)
        return upload
    }
}

extension Dictionary where Key == String, Value == JSONValue {
    fileprivate var json: JSONValue { .object(self) }
}
