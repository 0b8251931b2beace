import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import Shared

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A ``MessageHandler`` that asks the team's own service (`WORKER_WEBHOOK_URL`, any language).
///
/// Request: `POST` JSON
/// `{"appid":"wx…","dedup_key":"…","from":"OPENID","to":"gh_…","create_time":1714036504,"msgtype":"text","event":null,"scene":null,"fields":{"Content":"hi",…}}`
/// (`fields` holds every top-level field of the push as text; `scene` is the QR-code scene of a `SCAN` or
/// of a `subscribe` through a code, without the `qrscene_` prefix `subscribe` adds), plus `"reach"` (the
/// user's reply window) and `"receipt"` (a template receipt linked to its message, else null). With
/// `WORKER_USER_PROFILE=on` it also has `"profile"`: the sender's `user/info` object, or null when it
/// cannot be had now (the message is sent anyway).
/// Answer: `{"messages":[{"msgtype":"text","text":{"content":"hello"}}, …]}`, each message in the
/// customer-service body format without `touser` (it goes to the sender); `{}` or `{"messages":[]}` for no reply.
/// Timeouts, connection errors and 5xx are retried like API errors; 4xx, unreadable answers and answers
/// over ``maximumAnswerBytes`` are permanent. `timeout` (`WORKER_WEBHOOK_TIMEOUT`) covers the whole
/// exchange, the answer's body included. The URL may carry credentials, so errors name it only as
/// ``redacted(_:)`` gives it (no user, password, query or fragment): they end up in logs and dead letters.
struct WebhookHandler: MessageHandler {
    let url: String
    let httpClient: HTTPClient
    let timeout: Duration
    let appID: String
    /// The largest answer read; a longer one is a permanent failure (a retry would get the same).
    var maximumAnswerBytes = 1 << 20
    /// With `WORKER_USER_PROFILE=on`: the payload's `profile` (null when it cannot be had now).
    var profiles: ProfileStore?

    func handle(_ message: InboundMessage) async throws -> [CustomerServiceMessage.Content] {
        try await answer(message, reach: .untracked).map(\.content)
    }

    /// Also sends `"reach"` (``ReachWindow/json``) and, for a template receipt, `"receipt"`
    /// (``ReachContext/Receipt/json``); reads fallbacks, long-text policies and media to upload from the
    /// answer (``replies(from:to:)``).
    func answer(_ message: InboundMessage, reach: ReachContext) async throws -> [Reply] {
        var fields: [String: JSONValue] = [:]
        for field in message.fields where fields[field.name] == nil {
            fields[field.name] = .string(field.value)
        }
        var payload: [String: JSONValue] = [
            "appid": .string(appID), "dedup_key": .string(message.dedupKey.rawValue), "from": .string(message.fromUserName),
            "to": .string(message.toUserName), "create_time": .number(Double(message.createTime)), "msgtype": .string(message.msgType),
            "event": message.event.map(JSONValue.string) ?? .null, "fields": .object(fields),
            "scene": Self.scene(of: message).map(JSONValue.string) ?? .null,
            "reach": reach.window.json, "receipt": reach.receipt?.json ?? .null,
        ]
        if let profiles { payload["profile"] = await profiles.profile(of: message.fromUserName).map(JSONValue.object) ?? .null }
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json; charset=utf-8")
        request.body = .bytes(ByteBuffer(bytes: (try? Array(JSONEncoder().encode(payload))) ?? []))
        let (status, body): (Int, ByteBuffer)
        let target = Self.redacted(url)
        do {
            (status, body) = try await ExchangeDeadline.run(timeout) { [request, httpClient, timeout, maximumAnswerBytes] in
                let response = try await httpClient.execute(request, timeout: .milliseconds(timeout.milliseconds))
                return (Int(response.status.code), try await response.body.collect(upTo: maximumAnswerBytes))
            }
        } catch is NIOTooManyBytesError {
            throw HandlerError.permanent("webhook \(target): the answer is larger than \(maximumAnswerBytes) bytes")
        } catch {
            throw HandlerError.retryLater("webhook \(target): \(error)")
        }
        guard (200..<300).contains(status) else {
            switch WeChatRetryClass.forHTTPStatus(status) {
            case .retryLater: throw HandlerError.retryLater("webhook answered HTTP \(status)")
            case .permanent, .refreshToken: throw HandlerError.permanent("webhook answered HTTP \(status)")
            }
        }
        return try Self.replies(from: Array(body.readableBytesView), to: message.fromUserName)
    }

    /// The QR-code scene of a `SCAN`, or of a `subscribe` through a code (without its `qrscene_` prefix).
    static func scene(of message: InboundMessage) -> String? {
        switch message.kind {
        case .event(.subscribe(let scene?, _)), .event(.scan(let scene, _)): return scene
        default: return nil
        }
    }

    /// `url` without what may be secret: `scheme://host[:port]/path`, no user or password, no query, no fragment.
    static func redacted(_ url: String) -> String {
        guard let schemeEnd = url.firstRange(of: "://") else { return "(webhook URL)" }
        let rest = url[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        let host = authority.lastIndex(of: "@").map { authority[authority.index(after: $0)...] } ?? authority
        let path = rest[authorityEnd...].prefix { $0 != "?" && $0 != "#" }
        return "\(url[..<schemeEnd.upperBound])\(host)\(path)"
    }

    /// Reads the webhook's answer: its customer-service messages only (``replies(from:to:)`` reads the rest).
    static func messages(from body: [UInt8], to openID: String) throws -> [CustomerServiceMessage.Content] {
        try replies(from: body, to: openID).map(\.content)
    }
}
