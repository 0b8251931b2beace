import AsyncHTTPClient
import Hummingbird
import NIOCore
import Shared
import Synchronization

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Reaching users as WeChat limits it:
/// - each user's reply windows (``ReplyWindowRule``: 5 sends within 48 h after a message, 3 within a
///   minute after a menu click, follow or QR scan), opened by the pushes the fake is told of
///   (``observe(_:)`` in process, `POST /wxsim/pushed` with the push's XML from another process);
///   `custom/send` to a user it was told of answers 45015 outside every window and 45047 once the
///   allowance is spent. A user the fake was never told of is not limited (tests that queue messages
///   straight into Redis);
/// - `POST /cgi-bin/message/template/send`: 40003 without `touser`, 40037 for a template not added with
///   ``addTemplate(_:keywords:)``, 43116 for a restricted one, 47003 for a `data` keyword the template
///   lacks or a `thing` value over 20 characters; the same `touser` + `client_msg_id` within 10 minutes
///   answers the first msgid again and delivers nothing; the `TEMPLATESENDJOBFINISH` receipt is pushed
///   back through ``pushReceipts(with:)``'s pusher;
/// - `POST /cgi-bin/message/subscribe/bizsend`: 43101 unless the user accepted the template (a pushed
///   `subscribe_msg_popup_event`); each acceptance allows one;
/// - `POST /cgi-bin/media/upload?type=…`: one multipart part `media` (41005 otherwise), a type of
///   image/voice/video/thumb (40004), an extension that fits it (40005), within its size (40009 image
///   2 MB, 40010 voice 2 MB, 40011 video 10 MB, 40012 thumb 64 KB); media_ids last 3 days
///   (``expireMediaNow()``), and `custom/send` with one of its media_ids unknown or expired answers 40007.
extension FakeWeChatAPI {
    public static let templatePath = "/cgi-bin/message/template/send"
    public static let bizsendPath = "/cgi-bin/message/subscribe/bizsend"
    public static let mediaUploadPath = "/cgi-bin/media/upload"
    /// Not a WeChat endpoint: `wxsim send`/`chat` in another process tell the fake what they pushed.
    public static let pushedPath = "/wxsim/pushed"
    /// The prefix of the media_ids the fake issues (only those are checked for 40007).
    public static let mediaPrefix = "FAKEMEDIA_"

    func addReachRoutes(to router: Router<BasicRequestContext>) {
        router.post(RouterPath(Self.templatePath)) { request, _ in await self.templateSend(request) }
        router.post(RouterPath(Self.bizsendPath)) { request, _ in await self.bizsend(request) }
        router.post(RouterPath(Self.mediaUploadPath)) { request, _ in await self.mediaUpload(request) }
        router.post(RouterPath(Self.pushedPath)) { request, _ in
            let body = await Self.body(of: request)
            guard let message = try? InboundMessage(xml: body) else { return Response(status: .badRequest) }
            self.observe(message)
            return Response(status: .noContent)
        }
    }

    // MARK: Control and inspection

    /// Tells the fake a push reached the account (as WeChat's servers know): it opens the user's reply
    /// window and records subscribe acceptances.
    public func observe(_ message: SimulatedMessage) {
        guard let parsed = try? InboundMessage(xml: Array(message.xml.utf8)) else { return }
        observe(parsed)
    }

    /// ``observe(_:)`` for a message already parsed (as tests queue it).
    public func observe(_ message: InboundMessage) {
        let user = message.fromUserName
        let at = message.createTime * 1000
        state.withLock { state in
            // Any push makes the user known (limited from now on); only some open a window.
            var windows = state.reach.windows[user] ?? FakeReachState.Windows()
            defer { state.reach.windows[user] = windows }
            if let rule = ReplyWindowRule(opening: message) {
                switch rule {
                case .userMessage where at > windows.messageOpenedAt:
                    windows.messageOpenedAt = at
                    windows.messageUntil = at + rule.duration.milliseconds
                    windows.messageLeft = rule.allowance
                case .interaction where at > windows.interactionOpenedAt:
                    windows.interactionOpenedAt = at
                    windows.interactionUntil = at + rule.duration.milliseconds
                    windows.interactionLeft = rule.allowance
                default:
                    break
                }
            }
            if case .event(.unsubscribe) = message.kind {
                windows.messageUntil = 0
                windows.interactionUntil = 0
            }
            if case .event(.subscribeMessagePopup(let items)) = message.kind {
                for item in items where item.status == "accept" { state.reach.grants[user, default: [:]][item.templateID, default: 0] += 1 }
            }
        }
    }

    /// Adds a template to the account, with its keywords.
    public func addTemplate(_ templateID: String, keywords: [String]) {
        state.withLock { $0.reach.templates[templateID] = Set(keywords) }
    }

    /// Marks a template restricted (43116).
    public func restrictTemplate(_ templateID: String) {
        state.withLock { _ = $0.reach.restrictedTemplates.insert(templateID) }
    }

    /// Delivers the next `count` templates but answers HTTP 500, as when WeChat's answer is lost on the
    /// way back (the sender retries; `client_msg_id` must keep it from a second delivery).
    public func loseTemplateAnswers(_ count: Int) {
        state.withLock { $0.reach.templateAnswersToLose = count }
    }

    /// Pushes each template's `TEMPLATESENDJOBFINISH` back to the account with `pusher`, with `status`
    /// per openid (default `success`).
    public func pushReceipts(with pusher: WeChatPusher, status: [String: String] = [:]) {
        state.withLock {
            $0.reach.receiptPusher = pusher
            $0.reach.receiptStatus = status
        }
    }

    /// The template and subscribe messages delivered, in order.
    public var deliveredTemplates: [FakeTemplateDelivery] { state.withLock { $0.reach.delivered } }

    /// Uploads answered with a media_id.
    public var mediaUploads: Int { state.withLock { $0.reach.uploads } }

    /// Makes every uploaded media_id older than 3 days (the next use answers 40007).
    public func expireMediaNow() {
        state.withLock { state in
            for key in state.reach.media.keys { state.reach.media[key]?.createdAt = 0 }
        }
    }

    /// The errcode WeChat answers a customer-service send with because of the user's window or the
    /// message's media (45015, 45047, 40007), spending one message of the window otherwise; nil to go on.
    func reachRefusal(for message: CustomerServiceMessage) -> (errcode: Int, errmsg: String)? {
        let now = WallClock.milliseconds()
        return state.withLock { state -> (Int, String)? in
            if case .text(let text) = message.content, text.utf8.count > 2048 { return (45002, "content size out of limit") }
            if let mediaID = message.content.mediaID, mediaID.hasPrefix(Self.mediaPrefix) {
                guard let media = state.reach.media[mediaID], now - media.createdAt < 3 * 24 * 3600 * 1000 else { return (40007, "invalid media_id") }
            }
            guard var windows = state.reach.windows[message.toUser] else { return nil }
            defer { state.reach.windows[message.toUser] = windows }
            if windows.interactionUntil > now, windows.interactionLeft > 0 {
                windows.interactionLeft -= 1
                return nil
            }
            if windows.messageUntil > now, windows.messageLeft > 0 {
                windows.messageLeft -= 1
                return nil
            }
            if windows.interactionUntil > now || windows.messageUntil > now { return (45047, "out of response count limit") }
            return (45015, "response out of time limit or subscription is canceled")
        }
    }

    // MARK: Handlers

    private func authorized(_ request: Request, path: String, body: [UInt8]) -> (appID: String?, refusal: Response?) {
        guard let token = request.uri.queryParameters["access_token"].map(String.init), !token.isEmpty else {
            return (nil, answer(path: path, errcode: 41001, errmsg: "access_token missing", body: body))
        }
        let (appID, tokenError) = check(accessToken: token)
        if let tokenError {
            return (appID, answer(path: path, errcode: tokenError, errmsg: tokenError == 42001 ? "access_token expired" : "invalid credential", appID: appID, body: body))
        }
        return (appID, nil)
    }

    /// A template or subscribe call to one user, read and authorized.
    private struct UserCall {
        var appID: String?
        var body: [UInt8]
        var json: [String: JSONValue]
        var user: String
        var templateID: String
        /// `data.KEY.value`.
        var data: [String: String]
    }

    /// Reads and authorizes a JSON call to one user, then answers it with `handle`; refuses it as WeChat
    /// does first (token 41001/40001/42001, not JSON 47001, no `touser` 40003).
    private func userCall(_ request: Request, path: String, _ handle: (UserCall) -> Response) async -> Response {
        let body = await Self.body(of: request)
        await delay()
        let (appID, refusal) = authorized(request, path: path, body: body)
        if let refusal { return refusal }
        guard let json = try? JSONDecoder().decode([String: JSONValue].self, from: Data(body)) else {
            return answer(path: path, errcode: 47001, errmsg: "data format error", appID: appID, body: body)
        }
        guard let user = json["touser"]?.string, !user.isEmpty else {
            return answer(path: path, errcode: 40003, errmsg: "invalid openid", appID: appID, body: body)
        }
        return handle(UserCall(appID: appID, body: body, json: json, user: user, templateID: json["template_id"]?.string ?? "", data: Self.templateData(json["data"])))
    }

    private func templateSend(_ request: Request) async -> Response {
        await userCall(request, path: Self.templatePath) { call in templateSend(call) }
    }

    private func templateSend(_ call: UserCall) -> Response {
        let path = Self.templatePath
        let (appID, body, json, user, templateID, data) = (call.appID, call.body, call.json, call.user, call.templateID, call.data)
        let clientID = json["client_msg_id"]?.string
        let now = WallClock.milliseconds()
        let outcome = state.withLock { state -> (errcode: Int, errmsg: String, msgID: Int64?, isNew: Bool) in
            guard let keywords = state.reach.templates[templateID] else { return (40037, "invalid template_id", nil, false) }
            if state.reach.restrictedTemplates.contains(templateID) { return (43116, "this template has been restricted", nil, false) }
            for (key, value) in data {
                guard keywords.contains(key) else { return (47003, "argument invalid! data.\(key).value invalid", nil, false) }
                if key.hasPrefix("thing"), value.count > 20 { return (47003, "argument invalid! data.\(key).value exceeds limit", nil, false) }
            }
            for key in keywords where data[key] == nil { return (47003, "argument invalid! data.\(key).value empty", nil, false) }
            if let clientID, let earlier = state.reach.templateSends["\(user)#\(clientID)"], now - earlier.at < 600_000 {
                return (0, "ok", earlier.msgID, false)
            }
            state.reach.nextMsgID += 1
            let msgID = state.reach.nextMsgID
            if let clientID { state.reach.templateSends["\(user)#\(clientID)"] = FakeReachState.TemplateSend(msgID: msgID, at: now) }
            state.reach.delivered.append(FakeTemplateDelivery(path: path, toUser: user, templateID: templateID, data: data, msgID: msgID, clientMessageID: clientID))
            return (0, "ok", msgID, true)
        }
        guard let msgID = outcome.msgID else { return answer(path: path, errcode: outcome.errcode, errmsg: outcome.errmsg, appID: appID, body: body) }
        if outcome.isNew { pushReceipt(msgID: msgID, to: user) }
        let loseAnswer = state.withLock { state -> Bool in
            guard state.reach.templateAnswersToLose > 0 else { return false }
            state.reach.templateAnswersToLose -= 1
            return true
        }
        if loseAnswer {
            record(FakeWeChatCall(path: path, status: 500, errcode: nil, appID: appID, message: nil, body: String(decoding: body, as: UTF8.self), receivedAt: now))
            return Response(status: .internalServerError)
        }
        record(FakeWeChatCall(path: path, status: 200, errcode: 0, appID: appID, message: nil, body: String(decoding: body, as: UTF8.self), receivedAt: now))
        return Self.json(#"{"errcode":0,"errmsg":"ok","msgid":\#(msgID)}"#)
    }

    private func bizsend(_ request: Request) async -> Response {
        await userCall(request, path: Self.bizsendPath) { call in bizsend(call) }
    }

    private func bizsend(_ call: UserCall) -> Response {
        let path = Self.bizsendPath
        let (appID, body, user, templateID, data) = (call.appID, call.body, call.user, call.templateID, call.data)
        let granted = state.withLock { state -> Bool in
            guard let left = state.reach.grants[user]?[templateID], left > 0 else { return false }
            state.reach.grants[user]?[templateID] = left - 1
            state.reach.delivered.append(FakeTemplateDelivery(path: path, toUser: user, templateID: templateID, data: data, msgID: nil, clientMessageID: nil))
            return true
        }
        guard granted else { return answer(path: path, errcode: 43101, errmsg: "user refuse to accept the msg", appID: appID, body: body) }
        return answer(path: path, errcode: 0, errmsg: "ok", appID: appID, body: body)
    }

    private func mediaUpload(_ request: Request) async -> Response {
        let path = Self.mediaUploadPath
        // Up to 16 MiB: larger than any type's limit, so a size over it is answered with the type's errcode.
        let body = (try? await request.body.collect(upTo: 16 << 20)).map { Array($0.readableBytesView) } ?? []
        await delay()
        let (appID, refusal) = authorized(request, path: path, body: Array("(\(body.count) bytes of multipart)".utf8))
        if let refusal { return refusal }
        let summary = Array("(\(body.count) bytes of multipart)".utf8)
        let type = request.uri.queryParameters["type"].map(String.init) ?? ""
        let limits: [String: (extensions: Set<String>, bytes: Int, errcode: Int)] = [
            "image": (["jpg", "jpeg", "png", "gif"], 2 << 20, 40009), "voice": (["amr", "mp3"], 2 << 20, 40010),
            "video": (["mp4"], 10 << 20, 40011), "thumb": (["jpg", "jpeg"], 64 << 10, 40012),
        ]
        guard let limit = limits[type] else { return answer(path: path, errcode: 40004, errmsg: "invalid media type", appID: appID, body: summary) }
        let contentType = request.headers[.contentType] ?? ""
        guard let part = FakeMultipart.part(named: "media", in: body, contentType: contentType), !part.bytes.isEmpty else {
            return answer(path: path, errcode: 41005, errmsg: "media data missing", appID: appID, body: summary)
        }
        let fileExtension = part.filename.split(separator: ".").last.map { $0.lowercased() } ?? ""
        guard part.filename.contains("."), limit.extensions.contains(fileExtension) else {
            return answer(path: path, errcode: 40005, errmsg: "invalid file type", appID: appID, body: summary)
        }
        guard part.bytes.count <= limit.bytes else { return answer(path: path, errcode: limit.errcode, errmsg: "invalid \(type) size", appID: appID, body: summary) }
        let now = WallClock.milliseconds()
        let mediaID = state.withLock { state -> String in
            state.reach.uploads += 1
            let id = "\(Self.mediaPrefix)\(type)_\(state.reach.uploads)_\(UInt32.random(in: 0...UInt32.max))"
            state.reach.media[id] = FakeReachState.Media(type: type, bytes: part.bytes.count, createdAt: now)
            return id
        }
        record(FakeWeChatCall(path: path, status: 200, errcode: 0, appID: appID, message: nil, body: String(decoding: summary, as: UTF8.self), receivedAt: now))
        let idKey = type == "thumb" ? "thumb_media_id" : "media_id"
        return Self.json(#"{"type":"\#(type)","\#(idKey)":"\#(mediaID)","created_at":\#(now / 1000)}"#)
    }

    /// Pushes the template's receipt back to the account, as WeChat does once the job is done.
    private func pushReceipt(msgID: Int64, to user: String) {
        let (pusher, status) = state.withLock { ($0.reach.receiptPusher, $0.reach.receiptStatus[user] ?? "success") }
        guard let pusher else { return }
        var receipt = pusher.message(from: user, kind: .event("TEMPLATESENDJOBFINISH", key: nil))
        receipt.extraXML = "<MsgID>\(msgID)</MsgID>" + XMLWriter.element("Status", cdata: status)
        let request = try? pusher.request(for: receipt)
        guard let request else { return }
        Task { _ = try? await pusher.send(request, using: HTTPClient.shared) }
    }

    private static func templateData(_ json: JSONValue?) -> [String: String] {
        var data: [String: String] = [:]
        for (key, value) in json?.object ?? [:] { data[key] = value.object?["value"]?.string ?? "" }
        return data
    }
}

extension CustomerServiceMessage.Content {
    /// The media_id a send refers to (image, voice, video, mpnews), nil for others.
    fileprivate var mediaID: String? {
        switch self {
        case .image(let id), .voice(let id), .mpnews(let id): return id
        case .video(let id, _, _, _): return id
        default: return nil
        }
    }
}
