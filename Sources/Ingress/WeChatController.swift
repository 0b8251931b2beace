import CoreMetrics
import Hummingbird
import Logging
import Metrics
import NIOCore
import Shared
import Tracing

/// WeChat's callback URL: `GET` answers the server-verification handshake, `POST` receives a push,
/// makes it safe (Redis stream, or the spool while Redis is down) and only then answers `success`.
///
/// `/wechat` serves the single account, `/wechat/{appid}` each configured one (``IngressAccounts``).
/// A push's path reads top to bottom: account → source (WeChat's callback IPs, ``SourceCheck``) → query → signature → timestamp window → body limit → safe mode
/// refuses an unencrypted push → decrypt (safe/compatible mode) → parse → the outer `ToUserName` is the
/// account's `gh_` id → an unencrypted push's
/// (timestamp, nonce) bound to its body (``PushBinding``) → drop filter → dedup + enqueue → `success`. Every refusal is a 4xx with a
/// short fixed reason; nothing from the request is echoed back, and nothing refused is queued.
///
/// While the spool holds messages not yet replayed into Redis, new pushes are spooled too (behind them),
/// so one ingress hands a user's messages to Redis in the order they arrived.
struct WeChatController: Sendable {
    let accounts: IngressAccounts
    let settings: IngressSettings
    let batcher: EnqueueBatcher
    let spool: Spool
    let metrics: IngressMetrics
    let logger: Logger
    /// WeChat's callback IPs, for ``refusalBySource(_:peer:)``.
    let callbackIPs: CallbackIPList
    let logThrottle = LogThrottle()
    /// This process's requests waiting for passive replies (accounts in `passive` and `hybrid` modes).
    var passiveWaiters: PassiveWaiters?

    func addRoutes(to router: Router<some RemoteAddressRequestContext>) {
        let path = settings.path.hasSuffix("/") ? String(settings.path.dropLast()) : settings.path
        router.get(RouterPath(settings.path)) { request, _ in
            guard let account = accounts.single else { return noSingleAccount() }
            return verify(request, account: account)
        }
        router.post(RouterPath(settings.path)) { request, context in
            guard let account = accounts.single else { return noSingleAccount() }
            return await receive(request, context: context, account: account)
        }
        router.get(RouterPath(path + "/{appid}")) { request, context in
            guard let account = accounts.account(appID: context.parameters.get("appid") ?? "") else { return unknownAccount() }
            return verify(request, account: account)
        }
        router.post(RouterPath(path + "/{appid}")) { request, context in
            guard let account = accounts.account(appID: context.parameters.get("appid") ?? "") else { return unknownAccount() }
            return await receive(request, context: context, account: account)
        }
    }

    private func unknownAccount() -> Response {
        metrics.count(.unknownAccount)
        return Response.plainText(.notFound, "unknown account\n")
    }

    private func noSingleAccount() -> Response {
        metrics.count(.unknownAccount)
        return Response.plainText(.notFound, "several accounts are configured: push to \(settings.path)/{appid}\n")
    }

    /// `GET ?signature&timestamp&nonce&echostr`: echo `echostr` when the signature is ours and the
    /// timestamp within the window (a verification URL from a log cannot be replayed later).
    func verify(_ request: Request, account: IngressAccount) -> Response {
        let query = request.uri.queryParameters
        guard let signature = query.get("signature"), let timestamp = query.get("timestamp"), let nonce = query.get("nonce"),
            let echo = query.get("echostr")
        else {
            metrics.count(.badRequest)
            return Response.plainText(.badRequest, "missing signature, timestamp, nonce or echostr\n")
        }
        guard WeChatSignature.isValid(signature: signature, token: account.token, timestamp: timestamp, nonce: nonce) else {
            metrics.count(.badSignature)
            return Response.plainText(.forbidden, "bad signature\n")
        }
        guard WeChatSignature.isFresh(timestamp: timestamp, nowSeconds: WallClock.seconds(), window: settings.timestampWindowSeconds) else {
            metrics.count(.staleTimestamp)
            return Response.plainText(.forbidden, "stale timestamp\n")
        }
        metrics.count(.verified)
        return Response.plainText(.ok, echo)
    }

    /// `POST`: check the source, verify, decrypt, parse, queue, answer; in a push span when traces are on.
    func receive(_ request: Request, context: some RemoteAddressRequestContext, account: IngressAccount) async -> Response {
        await PushSpan.around(account: account.account.name) { await receivePush(request, context: context, account: account) }
    }

    private func receivePush(_ request: Request, context: some RemoteAddressRequestContext, account: IngressAccount) async -> Response {
        let start = ContinuousClock.now
        if let refusal = refusalBySource(request, peer: context.remoteAddress) { return refusal }
        let query = request.uri.queryParameters
        guard let signature = query.get("signature"), let timestamp = query.get("timestamp"), let nonce = query.get("nonce") else {
            metrics.count(.badRequest)
            return Response.plainText(.badRequest, "missing signature, timestamp or nonce\n")
        }
        let token = account.token
        let crypto = account.crypto
        guard WeChatSignature.isValid(signature: signature, token: token, timestamp: timestamp, nonce: nonce) else {
            metrics.count(.badSignature)
            return Response.plainText(.forbidden, "bad signature\n")
        }
        guard WeChatSignature.isFresh(timestamp: timestamp, nowSeconds: WallClock.seconds(), window: settings.timestampWindowSeconds) else {
            metrics.count(.staleTimestamp)
            return Response.plainText(.forbidden, "stale timestamp\n")
        }

        var body: [UInt8]
        do {
            let buffer = try await request.body.collect(upTo: settings.maximumBodyBytes)
            body = Array(buffer.readableBytesView)
        } catch is NIOTooManyBytesError {
            metrics.count(.tooLarge)
            return Response.plainText(.contentTooLarge, "body over \(settings.maximumBodyBytes) bytes\n")
        } catch {
            // The connection ended (or was cut off by the request timeout) before the body did.
            metrics.count(.badRequest)
            return Response.plainText(.badRequest, "incomplete body\n")
        }

        let received = body
        var keySlot = WeChatMessageCrypto.KeySlot.current
        let encrypted = query.get("encrypt_type")?.lowercased() == "aes"
        if !encrypted, crypto != nil, !settings.acceptPlaintext {
            // Safe mode: the URL signature does not cover the body, so an unencrypted body could be anyone's.
            metrics.count(.plaintextRefused)
            return Response.plainText(.forbidden, "unencrypted push refused: safe mode is on\n")
        }
        if encrypted {
            guard let messageSignature = query.get("msg_signature") else {
                metrics.count(.badRequest)
                return Response.plainText(.badRequest, "missing msg_signature\n")
            }
            guard let crypto else {
                logger.error("an encrypted push arrived for \(account.account.name) but it has no EncodingAESKey; set WECHAT_AES_KEY or aes_key to the console's EncodingAESKey")
                metrics.count(.decryptFailed)
                return Response.plainText(.badRequest, "encrypted push, but no EncodingAESKey is configured\n")
            }
            do {
                let opened = try crypto.openRequest(body: body, token: token, timestamp: timestamp, nonce: nonce, msgSignature: messageSignature)
                body = opened.message
                keySlot = opened.key
            } catch {
                switch error {
                case .signatureMismatch:
                    metrics.count(.badSignature)
                    return Response.plainText(.forbidden, "bad msg_signature\n")
                case .xml, .missingEncrypt:
                    metrics.count(.malformed)
                    return Response.plainText(.badRequest, "malformed encrypted body\n")
                case .crypto(let reason):
                    logger.warning("cannot decrypt a push: \(reason)")
                    metrics.count(.decryptFailed)
                    return Response.plainText(.badRequest, "cannot decrypt\n")
                }
            }
        }

        let message: InboundMessage
        do {
            message = try InboundMessage(xml: body)
        } catch {
            logger.debug("malformed push refused: \(error)")
            metrics.count(.malformed)
            return Response.plainText(.badRequest, "malformed XML\n")
        }
        // The signature proves the Token; the outer ToUserName proves which account the push is for (two
        // accounts may share a Token, or a push signed for one may be posted to another's URL).
        if let originalID = account.account.originalID, message.toUserName != originalID {
            metrics.count(.wrongAccount)
            logger.warning("refused a push for \(message.toUserName.prefix(40)) posted to \(account.account.name)'s URL")
            return Response.plainText(.forbidden, "push is not for this account\n")
        }

        // An encrypted body is already bound to the timestamp and nonce by its msg_signature.
        switch !encrypted && settings.bindNonce ? await account.binding.check(timestamp: timestamp, nonce: nonce, body: received) : .first {
        case .first, .repeated:
            break
        case .conflict:
            metrics.count(.replayRefused)
            logger.warning("refused a push whose timestamp and nonce came earlier with another body (a replayed URL?)")
            return Response.plainText(.forbidden, "timestamp and nonce already used\n")
        case .unchecked:
            metrics.replayChecksSkipped.increment()
        }

        if message.msgType.lowercased() == "event", let event = message.event, settings.droppedEvents.contains(event.lowercased()) {
            metrics.count(.dropped)
            metrics.countDropped(event: event)
            return Self.success
        }

        let receivedAt = WallClock.milliseconds()
        let passive = passiveResponder(for: account)
        let path = ReplyPath(mode: passive == nil ? .async : account.account.replyMode)
        let envelope = MessageEnvelope(appID: account.account.appID, receivedAtMilliseconds: receivedAt, message: message, replyPath: path, trace: TraceParent.current)
        if RelayTracing.isActive { PushSpan.current?.setMessageAttributes(message, dedupKey: envelope.dedupKey, account: account.account.name) }
        let (response, inRedis) = await RelayTracing.withSpan(TraceNames.enqueue) { _ in await enqueue(envelope, into: account.queue) }
        guard inRedis, let passive else { return response }
        return await passive.answer(
            message, dedupKey: envelope.dedupKey, start: start,
            envelope: PassiveResponder.Envelope(timestamp: timestamp, nonce: nonce, crypto: encrypted ? crypto : nil, key: keySlot))
    }

    /// The passive-reply side of `account`'s pushes; nil in `async` mode.
    private func passiveResponder(for account: IngressAccount) -> PassiveResponder? {
        guard account.account.replyMode != .async, let passiveWaiters else { return nil }
        return PassiveResponder(
            account: account.account, board: PassiveReplyBoard(redis: account.queue.redis, keys: account.queue.keys), waiters: passiveWaiters,
            metrics: metrics, logger: logger)
    }

    /// Redis first; the spool when Redis fails; 503 only when both do. While the spool holds anything
    /// (or an append to it is under way), the spool first: the message queues up behind the spooled ones.
    /// The answer, and whether the message is in Redis (queued now, or a retry of a queued one): only
    /// then may the ingress wait for its passive reply. A spooled message's envelope says nobody waits.
    private func enqueue(_ envelope: MessageEnvelope, into queue: InboundQueue) async -> (Response, inRedis: Bool) {
        let message = QueuedMessage(envelope: envelope)
        let openID = envelope.message.fromUserName
        // Only a message that goes to the spool needs its envelope written again (with the spooled path).
        func spooledMessage() -> QueuedMessage {
            var spooledEnvelope = envelope
            spooledEnvelope.replyPath = envelope.replyPath.spooled
            return spooledEnvelope.replyPath == envelope.replyPath ? message : QueuedMessage(envelope: spooledEnvelope)
        }
        let start = ContinuousClock.now
        defer { metrics.enqueueDuration.record(duration: ContinuousClock.now - start) }
        if spool.gauge.claimIfHolding() {
            defer { spool.gauge.releaseClaim() }
            do {
                try await spool.append(spooledMessage())
                metrics.count(.spooled)
                return (Self.success, false)
            } catch {
                // The spool refused (full, or the disk failed): Redis directly, out of order but kept.
                logger.warning("the spool refused a message while holding others (\(error)); sending it to Redis directly")
            }
        }
        do {
            switch try await batcher.enqueue(message, into: queue).get() {
            case .queued, .queuedInOrder:
                metrics.count(.queued)
            case .full:
                metrics.count(.unavailable)
                logger.error("cannot queue a message from \(Self.mask(openID)): the backlog is at QUEUE_MAXLEN; answering 503 so WeChat retries")
                return (Response.plainText(.serviceUnavailable, "temporarily unavailable\n"), false)
            case .duplicate:
                metrics.count(.duplicate)
                logger.debug("retry of an already queued message from \(Self.mask(openID))")
            }
            return (Self.success, true)
        } catch {
            spool.gauge.claim()
            defer { spool.gauge.releaseClaim() }
            do {
                try await spool.append(spooledMessage())
                metrics.count(.spooled)
                logger.debug("Redis refused a message (\(error)); spooled it, \(spool.gauge.records) waiting")
                return (Self.success, false)
            } catch {
                metrics.count(.unavailable)
                logger.error("cannot queue a message from \(Self.mask(openID)): Redis failed and the spool refused it (\(error))")
                return (Response.plainText(.serviceUnavailable, "temporarily unavailable\n"), false)
            }
        }
    }

    static let success = Response.plainText(.ok, "success")

    /// An openid as logs may show it: enough to tell users apart, not enough to identify one.
    static func mask(_ openID: String) -> String { DedupKey.maskOpenID(openID) }
}
