/// Where the ingress puts messages: each user's own queue in Redis, dedup and enqueue in one atomic script.
///
/// A message is marked as seen only in the same script call that queues it, so a crash can never leave
/// a message marked but not queued. One script call takes a whole batch (the ingress's group commit,
/// ``enqueue(_:)-([QueuedMessage])``): the script's fixed cost in Redis is paid per batch. A user who
/// gets a message and is neither held by a worker nor already waiting enters the `ready` set, and an idle
/// worker is woken (see ``QueueKeys`` for the layout and docs/ordering.md for why).
public struct InboundQueue: Sendable {
    /// KEYS: 1 ready, 2 owner, 3 backlog, 4 wake, 5 active users, then per message its dedup key and its user's queue.
    /// ARGV: 1 dedup TTL s, 2 backlog cap (0: none), 3 `1` to check dedup keys, then per message its user
    /// and its ``QueueRecord``. One result per message: 1 queued, 2 queued before later records, 0 a
    /// duplicate, -1 refused because the backlog is at its cap.
    public static let script = RedisScript(
        QueueLua.now + "\n" + QueueLua.signal + "\n" + QueueLua.place + "\n"
            + """
            local cap = tonumber(ARGV[2])
            local backlog = tonumber(redis.call('GET', KEYS[3]) or '0')
            local results = {}
            local added, users, wakeups = 0, {}, 0
            local a = 4
            for i = 6, #KEYS, 2 do
              local result
              if cap > 0 and backlog >= cap then
                if ARGV[3] == '1' and redis.call('EXISTS', KEYS[i]) == 1 then result = 0 else result = -1 end
              elseif ARGV[3] == '1' and not redis.call('SET', KEYS[i], '1', 'NX', 'EX', ARGV[1]) then
                result = 0
              else
                local user = ARGV[a]
                result = 1 + place(KEYS[i + 1], ARGV[a + 1])
                backlog = backlog + 1
                added = added + 1
                users[#users + 1] = user
                if redis.call('HEXISTS', KEYS[2], user) == 0 and redis.call('ZADD', KEYS[1], 'NX', now, user) == 1 then
                  wakeups = wakeups + 1
                end
              end
              results[#results + 1] = result
              a = a + 2
            end
            -- Once per batch: the backlog count, the active users, and one wake-up per user that became
            -- ready (at most 64 waiting), each one command instead of one per message.
            if added > 0 then
              redis.call('INCRBY', KEYS[3], added)
              redis.call('SADD', KEYS[5], unpack(users))
            end
            if wakeups > 0 then signal(KEYS[4], wakeups) end
            return results
            """
    )

    /// The most messages one script call carries; larger inputs are split.
    public static let maximumBatch = 256

    public let redis: RedisClient
    public let keys: QueueKeys
    /// How long a dedup key is remembered; WeChat retries within 15 s, so 10 minutes is ample.
    public let dedupWindowSeconds: Int
    /// The most messages all users' queues may hold together (`QUEUE_MAXLEN`); past it the ingress
    /// answers 503 rather than dropping anything.
    public let maximumLength: Int

    public init(redis: RedisClient, keys: QueueKeys, dedupWindowSeconds: Int = 600, maximumLength: Int = 1_000_000) {
        self.redis = redis
        self.keys = keys
        self.dedupWindowSeconds = max(600, dedupWindowSeconds)
        self.maximumLength = maximumLength
    }

    /// Queues the messages in order, one script call per ``maximumBatch``; one outcome per message.
    /// Throws when Redis fails (unreachable, or an error reply): then none of the batch may be assumed
    /// queued, and sending the same messages again is safe, since the dedup keys turn what did get
    /// queued into duplicates.
    ///
    /// - Parameter checkingDuplicates: false for messages put back deliberately (a dead-letter replay, the
    ///   move from an older release's stream), whose dedup keys are already set.
    public func enqueue(_ messages: [QueuedMessage], checkingDuplicates: Bool = true) async throws(RedisError) -> [EnqueueOutcome] {
        var outcomes: [EnqueueOutcome] = []
        outcomes.reserveCapacity(messages.count)
        var start = 0
        while start < messages.count {
            let batch = messages[start..<min(start + Self.maximumBatch, messages.count)]
            var keys: [RedisArgument] = [
                RedisArgument(self.keys.ready), RedisArgument(self.keys.owner), RedisArgument(self.keys.backlog), RedisArgument(self.keys.wake),
                RedisArgument(self.keys.activeUsers),
            ]
            var arguments: [RedisArgument] = [
                RedisArgument(dedupWindowSeconds), RedisArgument(maximumLength), RedisArgument(checkingDuplicates ? 1 : 0),
            ]
            keys.reserveCapacity(batch.count * 2 + 5)
            arguments.reserveCapacity(batch.count * 2 + 3)
            for message in batch {
                keys.append(RedisArgument(self.keys.dedup(message.dedupKey)))
                keys.append(RedisArgument(self.keys.userQueue(message.user)))
                arguments.append(RedisArgument(message.user))
                arguments.append(RedisArgument(bytes: message.record.bytes))
            }
            let reply = try await redis.run(Self.script, keys: keys, arguments: arguments)
            guard let results = reply.array, results.count == batch.count else {
                throw .unexpectedReply("the enqueue script answered \(reply.array?.count ?? -1) results for \(batch.count) messages")
            }
            for result in results {
                switch result.integer {
                case 1: outcomes.append(.queued)
                case 2: outcomes.append(.queuedInOrder)
                case 0: outcomes.append(.duplicate)
                case -1: outcomes.append(.full)
                default: throw .unexpectedReply("the enqueue script answered \(result)")
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

    /// How many messages wait in all users' queues.
    public func backlog() async throws(RedisError) -> Int {
        Int(try await redis.send("GET", RedisArgument(keys.backlog)).string.flatMap { Int($0) } ?? 0)
    }
}
