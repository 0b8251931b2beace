import Logging
import Shared

/// The worker's half of passive replies: offers a message's answer to the ingress waiting on its push
/// (``PassiveReplyBoard``), learns which path won, and returns the replies that still go by customer
/// service (``MessageProcessor`` sends them as usual, fenced and marked).
///
/// The answer is what fits one passive reply: a lone image, voice, video, music or news reply when it
/// comes first, else the texts joined up to 2 047 bytes (``PassiveText``; a first text over the limit is
/// split, or truncated when its reply says `long_text: truncate`). In `passive` mode the texts waiting for
/// this user (``QueueKeys/passiveDeferred(_:)``) come first. Whatever does not fit goes later: with the
/// user's next message (`passive`) or by customer service (`hybrid`); replies no passive XML can carry
/// (menus, mini-program cards, uploads…) always go by customer service.
///
/// Once the answer is `ready` the worker waits for the ingress's decision; if none comes by the time the
/// ingress must have decided (``decisionDeadline(for:)``, e.g. the ingress crashed), it decides itself with
/// the same script: `async` in `hybrid`, `deferred` in `passive` mode. So one path, always.
struct PassiveDelivery: Sendable {
    let board: PassiveReplyBoard
    /// The account's passive budget (`WECHAT_PASSIVE_BUDGET_MS`), as the ingress uses it.
    let budget: Duration
    let logger: Logger
    /// How long past the ingress's last possible decision the worker waits before deciding itself.
    var grace = Duration.seconds(2)

    /// The replies that go by customer service once the path of `envelope`'s answer is settled.
    func route(_ replies: [Reply], envelope: MessageEnvelope) async throws(RedisError) -> [Reply] {
        guard envelope.replyPath != .async else { return replies }
        let passiveMode = envelope.replyPath == .passive || envelope.replyPath == .deferred
        let openID = envelope.message.fromUserName
        let earlier = passiveMode ? try await board.deferredTexts(openID) : []
        let plan = Plan(replies, earlier: earlier, message: envelope.message)
        let offered = try await board.offer(
            envelope.dedupKey, openID: openID, answer: plan.answer, taken: earlier.count, ifAbsent: envelope.replyPath == .deferred ? .deferred : .ready)
        var state = offered.state
        if state == .ready {
            if !offered.instances.isEmpty { try await board.wake(offered.instances, dedupKey: envelope.dedupKey) }
            state = try await awaitDecision(envelope, openID: openID, passiveMode: passiveMode)
        }
        switch state {
        case .passive:
            return passiveMode ? plan.customerServiceOnly : plan.answer.overflow.map { Reply(.text($0)) } + plan.customerServiceOnly
        case .deferred:
            return plan.customerServiceOnly + (plan.media.map { [$0] } ?? [])
        case .async, .gone, .waiting, .ready:
            if state != .async { logger.warning("passive reply of \(DedupKey.maskOpenID(openID)): state \(state.rawValue) after the decision; sending by customer service") }
            return earlier.map { Reply(.text($0)) } + replies
        }
    }

    /// Looks at the state (20 ms, doubling to 250 ms) until the ingress decided, or decides at the deadline.
    private func awaitDecision(_ envelope: MessageEnvelope, openID: String, passiveMode: Bool) async throws(RedisError) -> PassiveState {
        let deadline = envelope.receivedAtMilliseconds + decisionDeadline(passiveMode: passiveMode).milliseconds
        var pause = Duration.milliseconds(20)
        while WallClock.milliseconds() < deadline, !Task.isCancelled {
            let state = try await board.state(envelope.dedupKey)
            if state.isDecided { return state }
            try? await Task.sleep(for: pause)
            pause = min(pause * 2, .milliseconds(250))
        }
        let fallback: PassiveState = passiveMode ? .deferred : .async
        return try await board.decide(envelope.dedupKey, openID: openID, fromWaiting: fallback, fromReady: fallback, deferOverflow: passiveMode).state
    }

    /// How long after the first delivery the ingress may still decide: the budget in `hybrid`; in
    /// `passive` mode WeChat's third delivery (10 s after the first) plus the budget. Plus ``grace``.
    func decisionDeadline(passiveMode: Bool) -> Duration {
        (passiveMode ? .seconds(10) + budget : budget) + grace
    }

    /// The answer to offer, and what goes by customer service whatever happens.
    struct Plan {
        var answer: PassiveReplyBoard.Answer
        /// The non-text reply that is the passive answer, if any (by customer service when deferred).
        var media: Reply?
        var customerServiceOnly: [Reply] = []

        init(_ replies: [Reply], earlier: [String], message: InboundMessage) {
            var texts = earlier
            var truncate: Bool?
            var media: (Reply, PassiveReply.Content)?
            var customerService: [Reply] = []
            for reply in replies {
                if case .text(let text) = reply.content {
                    texts.append(text)
                    truncate = truncate ?? (reply.longText == .truncate)
                } else if media == nil, texts.isEmpty, reply.upload == nil, let content = Self.passiveContent(reply.content) {
                    media = (reply, content)
                } else {
                    customerService.append(reply)
                }
            }
            let now = WallClock.seconds()
            if let (reply, content) = media {
                answer = .init(xml: PassiveReply(replyingTo: message, createTime: now, content: content).xml, overflow: texts, texts: texts)
                self.media = reply
            } else {
                let (fitted, rest) = PassiveText.fit(texts, truncate: truncate ?? false)
                let xml = fitted.map { PassiveReply(replyingTo: message, createTime: now, content: .text($0)).xml } ?? ""
                answer = .init(xml: xml, overflow: rest, texts: texts)
            }
            customerServiceOnly = customerService
        }

        /// The passive form of a customer-service content, when there is one.
        static func passiveContent(_ content: CustomerServiceMessage.Content) -> PassiveReply.Content? {
            switch content {
            case .image(let mediaID): return .image(mediaID: mediaID)
            case .voice(let mediaID): return .voice(mediaID: mediaID)
            case .video(let mediaID, _, let title, let description): return .video(mediaID: mediaID, title: title, description: description)
            case .music(let music):
                return .music(.init(title: music.title, description: music.description, musicURL: music.musicURL, hqMusicURL: music.hqMusicURL, thumbMediaID: music.thumbMediaID))
            case .news(let article): return .news(.init(title: article.title, description: article.description, picURL: article.picURL, url: article.url))
            default: return nil
            }
        }
    }
}
