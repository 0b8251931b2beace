import Shared

/// A template message (`POST /cgi-bin/message/template/send`), the usual fallback when no
/// customer-service message can reach the user. In the rules and in a webhook answer:
/// `template: {id: TEMPLATE_ID, data: {thing1: "…", time2: "…"}, url: "https://…"}` or with
/// `miniprogram: {appid, pagepath}` instead of (or besides) `url`. In a data value, `{{reply}}` stands for
/// the text of the reply it replaces.
struct TemplateMessage: Sendable, Hashable {
    var templateID: String
    /// Keyword → value, in the order given.
    var data: [FallbackField]
    var url: String?
    var miniProgram: MiniProgramTarget?

    /// The body for `touser`; `clientMessageID` makes WeChat send it once per user for 10 minutes
    /// whatever our retries (``clientMessageID(dedupKey:index:)``).
    func body(toUser: String, clientMessageID: String, replyText: String) -> [UInt8] {
        var object: [String: JSONValue] = [
            "touser": .string(toUser), "template_id": .string(templateID), "client_msg_id": .string(clientMessageID),
            "data": FallbackField.json(data, replyText: replyText),
        ]
        if let url { object["url"] = .string(url) }
        if let miniProgram { object["miniprogram"] = miniProgram.json }
        return JSONValue.object(object).encodedBytes
    }

    /// `client_msg_id` of reply `index` of the message `dedupKey`: the same on every attempt, different for
    /// every reply (32 hex digits of SHA-256).
    static func clientMessageID(dedupKey: String, index: Int) -> String {
        String(ContentHash.sha256Hex(Array("\(dedupKey)#\(index)".utf8)).prefix(32))
    }
}

/// A subscribe message (`POST /cgi-bin/message/subscribe/bizsend`), sent only when the user accepted one
/// of this template (`subscribe_msg_popup_event`); each acceptance allows one. In the rules and a webhook
/// answer: `subscribe: {id: TEMPLATE_ID, data: {thing1: "…"}, page: "https://…", miniprogram: {appid, pagepath}}`.
struct SubscribeMessage: Sendable, Hashable {
    var templateID: String
    var data: [FallbackField]
    var page: String?
    var miniProgram: MiniProgramTarget?

    func body(toUser: String, replyText: String) -> [UInt8] {
        var object: [String: JSONValue] = [
            "touser": .string(toUser), "template_id": .string(templateID), "data": FallbackField.json(data, replyText: replyText),
        ]
        if let page { object["page"] = .string(page) }
        if let miniProgram { object["miniprogram"] = miniProgram.json }
        return JSONValue.object(object).encodedBytes
    }
}

/// One `data` entry of a template or subscribe message.
struct FallbackField: Sendable, Hashable {
    var key: String
    var value: String

    /// `{"KEY":{"value":"…"}, …}` with `{{reply}}` replaced.
    static func json(_ fields: [FallbackField], replyText: String) -> JSONValue {
        var data: [String: JSONValue] = [:]
        for field in fields {
            data[field.key] = .object(["value": .string(field.value.replacing("{{reply}}", with: replyText))])
        }
        return .object(data)
    }
}

/// `miniprogram: {appid, pagepath}`.
struct MiniProgramTarget: Sendable, Hashable {
    var appID: String
    var pagePath: String

    var json: JSONValue { .object(["appid": .string(appID), "pagepath": .string(pagePath)]) }
}
