/// The Redis stream of inbound messages, as the ingress writes it: dedup and `XADD` in one atomic script.
///
/// A message is marked as seen only in the same script call that adds it to the stream, so a crash can
/// never leave a message marked but not queued. Concurrent calls share round trips through the client's
/// auto-pipelining (group commit).
public struct InboundQueue: Sendable {
    /// Stream entry fields: `v` envelope version, `key` dedup key, `at` received-at ms, `body` the envelope.
    public static let script = RedisScript(
        """
        if redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) then
          return redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], '*', unpack(ARGV, 3))
        end
        return false
        """
    )

    public let redis: RedisClient
    public let keys: QueueKeys
    /// How long a dedup key is remembered; WeChat retries within 15 s, so 10 minutes is ample.
    public let dedupWindowSeconds: Int
    /// The stream's `MAXLEN ~`: a memory cap only (workers trim finished entries with `XTRIM MINID`).
    public let maximumLength: Int

    public init(redis: RedisClient, keys: QueueKeys, dedupWindowSeconds: Int = 600, maximumLength: Int = 1_000_000) {
        self.redis = redis
        self.keys = keys
        self.dedupWindowSeconds = max(600, dedupWindowSeconds)
        self.maximumLength = maximumLength
    }

    /// Creates the consumer group at id `0` (so entries queued before any worker ran are delivered) and the
    /// stream with it; an existing group is left as it is.
    public func ensureConsumerGroup() async throws(RedisError) {
        do {
            try await redis.send("XGROUP", "CREATE", RedisArgument(keys.inbound), RedisArgument(keys.consumerGroup), "0", "MKSTREAM")
        } catch where error.serverErrorCode == "BUSYGROUP" {
            return
        }
    }

    /// Queues the messages, one script call each, pipelined; one outcome per message, in order.
    /// Throws only when the round trip fails (Redis unreachable); a message the script refuses fails its slot.
    public func enqueue(_ messages: [QueuedMessage]) async throws(RedisError) -> [Result<EnqueueOutcome, RedisError>] {
        let calls = messages.map { message in
            (
                keys: [RedisArgument(keys.dedup(message.dedupKey)), RedisArgument(keys.inbound)],
                arguments: [
                    RedisArgument(dedupWindowSeconds), RedisArgument(maximumLength),
                    "v", RedisArgument(message.envelopeVersion), "key", RedisArgument(message.dedupKey),
                    "at", RedisArgument(message.receivedAtMillis), "body", RedisArgument(bytes: message.body),
                ]
            )
        }
        let replies = try await redis.runPipelined(Self.script, calls: calls)
        return replies.map { reply in
            reply.flatMap { value -> Result<EnqueueOutcome, RedisError> in
                if value.isNull { return .success(.duplicate) }
                guard let id = value.string else { return .failure(.unexpectedReply("enqueue script returned \(value)")) }
                return .success(.queued(id: id))
            }
        }
    }

    /// Queues one message.
    public func enqueue(_ message: QueuedMessage) async throws(RedisError) -> EnqueueOutcome {
        guard let result = try await enqueue([message]).first else { throw .unexpectedReply("no enqueue result") }
        return try result.get()
    }
}
