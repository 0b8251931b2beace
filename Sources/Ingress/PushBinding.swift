import Crypto
import Shared

/// Binds each signed push URL to the body that first came with it, so a URL copied from a log cannot
/// carry another body.
///
/// WeChat's URL signature covers `timestamp` and `nonce` but not the body (an encrypted body is covered
/// by its `msg_signature`, so only unencrypted pushes need this): within the timestamp window,
/// anyone who saw one push URL could replay it with a message of their own. The first push under a
/// (timestamp, nonce) stores the body's SHA-256 under `wx:{appid}:push:<timestamp>:<nonce>` (`SET NX EX`,
/// kept for twice the window, as long as the URL can be fresh). The same body again (WeChat's retry)
/// passes on to the usual dedup; another body is refused.
///
/// **When Redis does not answer** within ``deadline``, the check is skipped and counted
/// (`wechat_ingress_replay_checks_skipped_total`): the push goes on to be queued or spooled, so WeChat
/// still gets its answer within 5 s and nothing is lost. The protection is thus off exactly while Redis
/// is unreachable, the same time the dedup keys are; the timestamp window and the signature still apply.
struct PushBinding: Sendable {
    /// What the check found.
    enum Verdict: Sendable, Equatable {
        /// The first push under this timestamp and nonce.
        case first
        /// The same body again.
        case repeated
        /// Another body under a timestamp and nonce already used: a replayed URL.
        case conflict
        /// Redis did not answer in time, or failed: not checked.
        case unchecked
    }

    /// KEYS[1] = the binding key; ARGV[1] = the body's hash, ARGV[2] = lifetime in seconds.
    /// Returns 1 for a new binding, 2 for the same hash again, 0 for another hash.
    static let script = RedisScript(
        """
        if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'EX', ARGV[2]) then return 1 end
        if redis.call('GET', KEYS[1]) == ARGV[1] then return 2 end
        return 0
        """
    )

    let redis: RedisClient
    let keys: QueueKeys
    /// How long a binding is kept: twice the timestamp window (a URL is fresh that long at most).
    let lifetimeSeconds: Int64
    /// How long a push waits for the check before going on without it.
    let deadline: Duration

    func check(timestamp: String, nonce: String, body: [UInt8]) async -> Verdict {
        let key = "\(keys.prefix):push:\(timestamp):\(Self.keyPart(nonce))"
        let hash = WeChatSignature.hex(SHA256.hash(data: body))
        let redis = self.redis
        let lifetime = lifetimeSeconds
        let reply = await Deadline.first(within: deadline) { () -> RESPValue? in
            try? await redis.run(Self.script, keys: [RedisArgument(key)], arguments: [RedisArgument(hash), RedisArgument(lifetime)])
        }
        switch reply??.integer {
        case 1: return .first
        case 2: return .repeated
        case 0: return .conflict
        default: return .unchecked
        }
    }

    /// The nonce as part of a key: as sent when short and plain, else its hash (keys stay bounded).
    private static func keyPart(_ nonce: String) -> String {
        let bytes = nonce.utf8
        if bytes.count <= 64, bytes.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: ":") }) { return nonce }
        return "~" + WeChatSignature.hex(SHA256.hash(data: Array(bytes))).prefix(32)
    }
}
