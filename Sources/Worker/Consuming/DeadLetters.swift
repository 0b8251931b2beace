import Shared

/// The dead-letter stream `wx:{appid}:dead`: list, replay into the users' queues, purge.
///
/// A replayed message keeps its dedup key, so replies it already sent (sent-reply markers, 48 h) are not
/// sent again; its attempt count starts over, and it takes its place in its user's queue by `CreateTime`
/// (never before a message that user's queue has already started).
struct DeadLetters: Sendable {
    /// One dead letter.
    struct Letter: Sendable {
        var id: String
        var reason: String
        var errcode: String
        var attempts: String
        var detail: String
        var user: String
        var record: QueueRecord

        /// The message's dedup key, when its envelope can be read.
        var dedupKey: String { (try? MessageEnvelope(decoding: record.envelope))?.dedupKey ?? "" }
    }

    let redis: RedisClient
    let keys: QueueKeys

    func list(count: Int = 100, after start: String = "-", through end: String = "+") async throws(RedisError) -> [Letter] {
        let reply = try await redis.send(
            "XRANGE", RedisArgument(keys.deadLetters), RedisArgument(start), RedisArgument(end), "COUNT", RedisArgument(count))
        return try StreamEntry.list(reply).map { entry in
            Letter(
                id: entry.id, reason: entry.text("reason") ?? "", errcode: entry.text("errcode") ?? "", attempts: entry.text("attempts") ?? "",
                detail: entry.text("detail") ?? "", user: entry.text("user") ?? "", record: QueueRecord(bytes: entry.fields["record"] ?? []))
        }
    }

    /// Puts the dead letters that exist when it starts (up to `limit`) back into their users' queues and
    /// deletes them from the dead stream. Letters dead-lettered again meanwhile have newer ids and are left
    /// for the next replay, so it always ends. `progress` is called after each batch with the count so far.
    @discardableResult
    func replay(limit: Int = .max, progress: (Int) -> Void = { _ in }) async throws(RedisError) -> Int {
        let last = try await redis.send("XREVRANGE", RedisArgument(keys.deadLetters), "+", "-", "COUNT", "1")
        guard let end = try StreamEntry.list(last).first?.id else { return 0 }
        let queue = InboundQueue(redis: redis, keys: keys, maximumLength: 0)
        var replayed = 0
        var start = "-"
        while replayed < limit {
            let batch = try await list(count: min(500, limit - replayed), after: start, through: end)
            guard let lastID = batch.last?.id else { break }
            let messages = batch.map { letter -> QueuedMessage in
                var body = letter.record.envelope
                if var envelope = try? MessageEnvelope(decoding: body) {
                    envelope.attempt = 0
                    body = envelope.encoded()
                }
                return QueuedMessage(
                    dedupKey: "", receivedAtMillis: 0, envelopeVersion: MessageEnvelope.currentVersion, body: body, user: letter.user,
                    createTime: letter.record.createTime)
            }
            _ = try await queue.enqueue(messages, checkingDuplicates: false)
            try await redis.send(RedisCommand([RedisArgument("XDEL"), RedisArgument(keys.deadLetters)] + batch.map { RedisArgument($0.id) }))
            replayed += batch.count
            progress(replayed)
            start = "(" + lastID
        }
        return replayed
    }

    /// Deletes every dead letter; returns how many there were.
    @discardableResult
    func purge() async throws(RedisError) -> Int {
        let count = try await redis.send("XLEN", RedisArgument(keys.deadLetters)).integer ?? 0
        try await redis.send("DEL", RedisArgument(keys.deadLetters))
        return Int(count)
    }
}
