/// The Redis stream of inbound messages, as the ingress writes it: dedup and `XADD` in one atomic script.
///
/// A message is marked as seen only in the same script call that adds it to the stream, so a crash can
/// never leave a message marked but not queued. One script call takes a whole batch (the ingress's
/// group commit, ``enqueue(_:)-([QueuedMessage])``): the script's fixed cost in Redis is paid per batch.
public struct InboundQueue: Sendable {
    /// KEYS[1] = the stream, KEYS[2...] = one dedup key per message; ARGV[1] = dedup TTL s, ARGV[2] =
    /// MAXLEN, then 4 per message: envelope version, dedup key, received-at ms, envelope. Returns one
    /// entry ID per message, or nil for a message whose dedup key was already set (a retry).
    /// Stream entry fields: `v` envelope version, `key` dedup key, `at` received-at ms, `body` the envelope.
    public static let script = RedisScript(
        """
        local results = {}
        local a = 3
        for i = 2, #KEYS do
          if redis.call('SET', KEYS[i], '1', 'NX', 'EX', ARGV[1]) then
            results[i - 1] = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[2], '*',
              'v', ARGV[a], 'key', ARGV[a + 1], 'at', ARGV[a + 2], 'body', ARGV[a + 3])
          else
            results[i - 1] = false
          end
          a = a + 4
        end
        return results
        """
    )

    /// The most messages one script call carries; larger inputs are split.
    public static let maximumBatch = 256

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

    /// Queues the messages in order, one script call per ``maximumBatch``; one outcome per message.
    /// Throws when Redis fails (unreachable, or an error reply): then none of the batch may be assumed
    /// queued, and sending the same messages again is safe, since the dedup keys turn what did get
    /// queued into duplicates.
    public func enqueue(_ messages: [QueuedMessage]) async throws(RedisError) -> [EnqueueOutcome] {
        var outcomes: [EnqueueOutcome] = []
        outcomes.reserveCapacity(messages.count)
        var start = 0
        while start < messages.count {
            let batch = messages[start..<min(start + Self.maximumBatch, messages.count)]
            var keys: [RedisArgument] = [RedisArgument(self.keys.inbound)]
            var arguments: [RedisArgument] = [RedisArgument(dedupWindowSeconds), RedisArgument(maximumLength)]
            keys.reserveCapacity(batch.count + 1)
            arguments.reserveCapacity(batch.count * 4 + 2)
            for message in batch {
                keys.append(RedisArgument(self.keys.dedup(message.dedupKey)))
                arguments.append(RedisArgument(message.envelopeVersion))
                arguments.append(RedisArgument(message.dedupKey))
                arguments.append(RedisArgument(message.receivedAtMillis))
                arguments.append(RedisArgument(bytes: message.body))
            }
            let reply = try await redis.run(Self.script, keys: keys, arguments: arguments)
            guard let results = reply.array, results.count == batch.count else {
                throw .unexpectedReply("the enqueue script answered \(reply.array?.count ?? -1) results for \(batch.count) messages")
            }
            for result in results {
                if result.isNull {
                    outcomes.append(.duplicate)
                } else if let id = result.string {
                    outcomes.append(.queued(id: id))
                } else {
                    throw .unexpectedReply("the enqueue script answered \(result)")
                }
            }
            start += batch.count
        }
        return outcomes
    }

    /// Queues one message.
    public func enqueue(_ message: QueuedMessage) async throws(RedisError) -> EnqueueOutcome {
        guard let outcome = try await enqueue([message]).first else { throw .unexpectedReply("no enqueue result") }
        return outcome
    }
}
