import Shared

/// What the ingress holds for one Official Account: its settings, its safe-mode crypto, its queue and its
/// push-URL binding (every Redis key under the account's `wx:{appid}` prefix).
struct IngressAccount: Sendable {
    let account: WeChatAccount
    /// nil in plaintext mode (no EncodingAESKey).
    let crypto: WeChatMessageCrypto?
    let queue: InboundQueue
    let binding: PushBinding

    init(account: WeChatAccount, settings: IngressSettings, redis: RedisClient) throws(MessageCryptoError) {
        self.account = account
        crypto = try account.aesKey.map { key throws(MessageCryptoError) in
            try WeChatMessageCrypto(appID: account.appID, encodingAESKey: key, previousEncodingAESKey: account.previousAESKey)
        }
        queue = InboundQueue(redis: redis, keys: account.queueKeys, dedupWindowSeconds: settings.dedupWindowSeconds, maximumLength: settings.streamMaximumLength)
        binding = PushBinding(
            redis: redis, keys: queue.keys, lifetimeSeconds: 2 * settings.timestampWindowSeconds + 1, deadline: min(settings.enqueueDeadline, .milliseconds(500)))
    }

    /// The console's Token ("" never matches a signature).
    var token: String { account.token ?? "" }
}
