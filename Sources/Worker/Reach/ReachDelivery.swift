import Logging
import Shared

/// Sends one reply the way that can reach the user now: a customer-service message while the tracked
/// allowance lasts (one message spent right before the call), else the reply's fallback (a subscribe
/// message if the user accepted one, else a template message), else the customer-service call anyway, so
/// that WeChat's answer decides and the dead letter carries it as before.
///
/// WeChat's answer is the authority: 45047 sets the allowance to 0 and 45015 closes the window, and the
/// reply then takes its fallback. The allowance is given back when WeChat surely did not take the message
/// (an errcode, no token); after a timeout or a broken answer it is not, so the count can
/// only err low (a fallback sent where a customer-service message would still have gone), never high.
///
/// Nothing doubles on a retry: a template carries a `client_msg_id` derived from the message's dedup key
/// and the reply's index (WeChat sends one per user and id for 10 minutes), and replies already sent are
/// skipped before this is called (the sent markers of ``LeaseQueue``).
struct ReachDelivery: Sendable {
    /// How a reply went.
    enum Outcome: Sendable, Hashable {
        case customerService
        case template(msgID: String)
        case subscribe
        /// A later part of a split text that no window covered any more.
        case droppedPart
    }

    static let templatePath = "/cgi-bin/message/template/send"
    static let subscribePath = "/cgi-bin/message/subscribe/bizsend"

    let sender: CustomerServiceSender
    let tracker: ReachTracker
    let media: MediaUploader
    let metrics: ReachMetrics
    let logger: Logger

    /// Delivers reply `index` of the message `dedupKey` to `user`. Redis errors are thrown (the message is
    /// left for the next attempt); WeChat's refusals are the failure of the result. `spent` is what
    /// spending found when the begin-send step already spent (``spendsInBeginSend(_:)``); nil: spend here.
    func deliver(_ reply: Reply, to user: String, dedupKey: String, index: Int, spent: ReachTracker.Spend? = nil) async throws(RedisError) -> Result<Outcome, WeChatAPIError> {
        var reply = reply
        if let upload = reply.upload {
            switch await media.mediaID(for: upload) {
            case .success(let mediaID): reply.content = reply.content.replacingMediaID(with: mediaID)
            case .failure(let error): return .failure(error)
            }
        }
        let message = CustomerServiceMessage(toUser: user, content: reply.content)
        let spend: ReachTracker.Spend
        if let spent { spend = spent } else { spend = try await tracker.spend(user) }
        switch spend {
        case .spent(let window):
            return try await customerService(message, reply, window: window, dedupKey: dedupKey, index: index)
        case .untracked:
            return try await customerService(message, reply, window: nil, dedupKey: dedupKey, index: index)
        case .exhausted, .closed:
            if reply.isContinuation {
                metrics.reached(via: "dropped_part")
                return .success(.droppedPart)
            }
            if let fallback = reply.fallback, !fallback.isEmpty {
                return try await fall(back: fallback, reply, to: user, dedupKey: dedupKey, index: index, because: nil)
            }
            // No fallback: WeChat decides (it may know of a window opened before this relay tracked it).
            return try await customerService(message, reply, window: nil, dedupKey: dedupKey, index: index)
        }
    }

    /// Whether the allowance for `reply` may be spent in the begin-send step, right before ``deliver(_:to:dedupKey:index:spent:)``:
    /// when nothing comes between them (an upload comes first, and a failed upload spends nothing).
    static func spendsInBeginSend(_ reply: Reply) -> Bool { reply.upload == nil }

    private func customerService(
        _ message: CustomerServiceMessage, _ reply: Reply, window: ReplyWindowRule?, dedupKey: String, index: Int
    ) async throws(RedisError) -> Result<Outcome, WeChatAPIError> {
        do {
            try await sender.send(message)
            metrics.reached(via: "customer_service")
            return .success(.customerService)
        } catch {
            switch error.errcode {
            case 45047, 45015:
                metrics.override(errcode: error.errcode ?? 0)
                try await tracker.override(message.toUser, with: error.errcode == 45047 ? .exhausted : .closed)
                if reply.isContinuation {
                    metrics.reached(via: "dropped_part")
                    return .success(.droppedPart)
                }
                guard let fallback = reply.fallback, !fallback.isEmpty else {
                    metrics.reached(via: "no_fallback")
                    return .failure(error)
                }
                return try await fall(back: fallback, reply, to: message.toUser, dedupKey: dedupKey, index: index, because: error)
            default:
                if let window, Self.surelyNotDelivered(error) { try await tracker.refund(message.toUser, window: window) }
                return .failure(error)
            }
        }
    }

    /// A subscribe message if the user has a grant for its template, else the template message.
    private func fall(
        back fallback: ReplyFallback, _ reply: Reply, to user: String, dedupKey: String, index: Int, because refusal: WeChatAPIError?
    ) async throws(RedisError) -> Result<Outcome, WeChatAPIError> {
        logger.debug(
            "reply \(index) of \(dedupKey.prefix(8))… takes its fallback: \(refusal.map { "WeChat answered \($0)" } ?? "no customer-service message left for \(DedupKey.maskOpenID(user))")")
        if let subscribe = fallback.subscribe, try await tracker.useGrant(user, templateID: subscribe.templateID) {
            do {
                try await sender.call(path: Self.subscribePath, body: subscribe.body(toUser: user, replyText: reply.text))
                metrics.reached(via: "subscribe")
                return .success(.subscribe)
            } catch {
                // 43101: the user withdrew it; the grant is gone. Other refusals and transient failures give it back.
                if error.errcode != 43101, Self.surelyNotDelivered(error) { try await tracker.restoreGrant(user, templateID: subscribe.templateID) }
                guard error.errcode == 43101, fallback.template != nil else { return .failure(error) }
            }
        }
        guard let template = fallback.template else {
            metrics.reached(via: "no_fallback")
            return .failure(refusal ?? .api(errcode: 45015, errmsg: "no customer-service window open and no subscribe grant; no template fallback"))
        }
        let clientID = TemplateMessage.clientMessageID(dedupKey: dedupKey, index: index)
        let answer: [String: JSONValue]
        do {
            answer = try await sender.call(path: Self.templatePath, body: template.body(toUser: user, clientMessageID: clientID, replyText: reply.text))
        } catch {
            return .failure(error)
        }
        let msgID = answer["msgid"].flatMap { $0.int.map(String.init) ?? $0.string } ?? ""
        if !msgID.isEmpty { try await tracker.linkTemplate(msgID: msgID, dedupKey: dedupKey, index: index, user: user) }
        metrics.reached(via: "template")
        return .success(.template(msgID: msgID))
    }

    /// True when WeChat answered and refused (so nothing reached the user); false after a timeout or an
    /// unreadable answer, when it may have.
    static func surelyNotDelivered(_ error: WeChatAPIError) -> Bool {
        switch error {
        case .api, .tokenUnavailable: return true
        // A 5xx may come from a proxy after WeChat took the message.
        case .http, .transport, .invalidResponse: return false
        }
    }
}

extension CustomerServiceMessage.Content {
    /// The same message with its media replaced by `mediaID` (image, voice, video; a video's thumb stays).
    func replacingMediaID(with mediaID: String) -> CustomerServiceMessage.Content {
        switch self {
        case .image: return .image(mediaID: mediaID)
        case .voice: return .voice(mediaID: mediaID)
        case .video(_, let thumb, let title, let description): return .video(mediaID: mediaID, thumbMediaID: thumb, title: title, description: description)
        case .mpnews: return .mpnews(mediaID: mediaID)
        default: return self
        }
    }
}
