import Hummingbird
import Logging
import Metrics
import NIOCore
import Shared

/// Answers a queued push of a `passive` or `hybrid` account with the worker's reply when it is ready in
/// time (``PassiveReplyBoard``): as WeChat's passive reply XML, encrypted when the push was.
///
/// From the request's arrival it waits up to the budget (`WECHAT_PASSIVE_BUDGET_MS`) for the answer and
/// claims it (`passive`). When the budget ends first:
/// - `hybrid`: claims `async` and answers `success` (the worker sends by customer service);
/// - `passive`, WeChat's first or second delivery: claims nothing and holds the connection until WeChat
///   has given up on it (``hold``), so that WeChat delivers again; the answer, once ready, is claimed by a
///   later delivery;
/// - `passive`, the third delivery: claims `deferred` and answers the placeholder; the answer goes with
///   the user's next message.
/// A delivery of a message already answered passively answers the same reply again.
struct PassiveResponder: Sendable {
    let account: WeChatAccount
    let board: PassiveReplyBoard
    let waiters: PassiveWaiters
    let metrics: IngressMetrics
    let logger: Logger
    /// How long an early delivery is held: past WeChat's 5 s, measured from the request's arrival.
    var hold = Duration.milliseconds(6_000)
    /// The delivery that answers the placeholder in `passive` mode (WeChat sends three in all).
    var lastDelivery = 3

    /// How the answer is written: the push's timestamp and nonce, and the crypto and key that opened it
    /// (nil for an unencrypted push, whose reply is plain XML).
    struct Envelope: Sendable {
        var timestamp: String
        var nonce: String
        var crypto: WeChatMessageCrypto?
        var key: WeChatMessageCrypto.KeySlot
    }

    /// The answer to `message` (queued as `dedupKey`), the request having arrived at `start`.
    func answer(_ message: InboundMessage, dedupKey: String, start: ContinuousClock.Instant, envelope: Envelope) async -> Response {
        let (response, outcome) = await decide(message, dedupKey: dedupKey, start: start, envelope: envelope)
        metrics.count(outcome)
        metrics.passiveWait.record(duration: ContinuousClock.now - start)
        return response
    }

    private func decide(_ message: InboundMessage, dedupKey: String, start: ContinuousClock.Instant, envelope: Envelope) async -> (Response, PassiveOutcome) {
        let passiveMode = account.replyMode == .passive
        let fallback: PassiveState = passiveMode ? .deferred : .async
        let openID = message.fromUserName
        do {
            guard waiters.enter() else {
                _ = try await board.arrive(dedupKey, instance: waiters.instance)
                let decision = try await board.decide(dedupKey, openID: openID, fromWaiting: fallback, fromReady: .passive, deferOverflow: passiveMode)
                if decision.state == .passive { return (reply(decision.xml, envelope), .passive) }
                logger.debug("passive replies: \(waiters.maximumWaiting) requests waiting already (INGRESS_PASSIVE_MAX_WAITING); answering success")
                return (WeChatController.success, .overflow)
            }
            defer { waiters.leave() }
            let arrival = try await board.arrive(dedupKey, instance: waiters.instance)
            var decision = PassiveReplyBoard.Decision(state: arrival.state, xml: arrival.xml)
            let budgetEnd = start + account.passiveBudget
            // Within the budget: the answer, as soon as it is ready.
            while !decision.state.isDecided {
                if decision.state != .ready {
                    guard ContinuousClock.now < budgetEnd else { break }
                    _ = await waiters.wait(for: board.wakeToken(dedupKey), until: budgetEnd)
                }
                decision = try await board.decide(dedupKey, openID: openID, fromWaiting: nil, fromReady: .passive, deferOverflow: passiveMode)
            }
            if !decision.state.isDecided {
                if passiveMode, arrival.deliveries < lastDelivery {
                    try? await Task.sleep(until: start + hold)
                    return (WeChatController.success, .held)
                }
                decision = try await board.decide(dedupKey, openID: openID, fromWaiting: fallback, fromReady: .passive, deferOverflow: passiveMode)
            }
            switch decision.state {
            case .passive: return (reply(decision.xml, envelope), .passive)
            case .deferred where passiveMode: return (placeholder(message, envelope), .placeholder)
            default: return (WeChatController.success, .async)
            }
        } catch {
            logger.warning("passive replies: redis failed while waiting for an answer (\(error)); answered success, the worker decides the path")
            return (WeChatController.success, .error)
        }
    }

    /// The worker's XML as the HTTP answer (`success` when the worker had nothing to say).
    private func reply(_ xml: String, _ envelope: Envelope) -> Response {
        guard !xml.isEmpty else { return WeChatController.success }
        guard let crypto = envelope.crypto else { return Self.xml(xml) }
        do {
            return Self.xml(try crypto.encryptedReply(xml, token: account.token ?? "", timestamp: envelope.timestamp, nonce: envelope.nonce, key: envelope.key))
        } catch {
            logger.error("passive replies: cannot encrypt a reply (\(error)); answered success")
            return WeChatController.success
        }
    }

    private func placeholder(_ message: InboundMessage, _ envelope: Envelope) -> Response {
        reply(PassiveReply(replyingTo: message, createTime: WallClock.seconds(), content: .text(account.passivePlaceholder)).xml, envelope)
    }

    static func xml(_ body: String) -> Response {
        Response(status: .ok, headers: [.contentType: "text/xml; charset=utf-8"], body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }
}
