import Shared

/// The dead-letter stream `wx:{appid}:dead`: list, replay onto the inbound stream, purge.
///
/// A replayed message keeps its dedup key, so replies it already sent (sent-reply markers, 48 h) are not
/// sent again; its attempt count starts over.
struct DeadLetters: Sendable {
    /// One dead letter.
    struct Letter: Sendable {
        var id: String
        var reason: String
        var errcode: String
        var attempts: String
        var dedupKey: String
        var detail: String
        var entry: StreamEntry
    }

    let redis: RedisClient
    let keys: QueueKeys

    func list(count: Int = 100, after start: String = "-") async throws(RedisError) -> [Letter] {
        let reply = try await redis.send("XRANGE", RedisArgument(keys.deadLetters), RedisArgument(start), "+", "COUNT", RedisArgument(count))
        return try StreamEntry.list(reply).map { entry in
            Letter(
                id: entry.id, reason: entry.text("reason") ?? "", errcode: entry.text("errcode") ?? "", attempts: entry.text("attempts") ?? "",
                dedupKey: entry.text("key") ?? "", detail: entry.text("detail") ?? "", entry: entry)
        }
    }

    /// Puts every dead letter (up to `limit`) back on the inbound stream and deletes it from the dead
    /// stream, both in one script per letter. `progress` is called after each batch with the count so far.
    @discardableResult
    func replay(limit: Int = .max, progress: (Int) -> Void = { _ in }) async throws(RedisError) -> Int {
        var replayed = 0
        while replayed < limit {
            let batch = try await list(count: min(500, limit - replayed))
            if batch.isEmpty { break }
            var calls: [(keys: [RedisArgument], arguments: [RedisArgument])] = []
            for letter in batch {
                var body = letter.entry.fields["body"] ?? []
                if var envelope = try? MessageEnvelope(decoding: body) {
                    envelope.attempt = 0
                    body = envelope.encoded()
                }
                calls.append(
                    (
                        keys: [RedisArgument(keys.deadLetters), RedisArgument(keys.inbound)],
                        arguments: [
                            RedisArgument(letter.id), "v", RedisArgument(bytes: letter.entry.fields["v"] ?? Array("1".utf8)),
                            "key", RedisArgument(letter.dedupKey), "at", RedisArgument(bytes: letter.entry.fields["at"] ?? Array("0".utf8)),
                            "body", RedisArgument(bytes: body),
                        ]
                    ))
            }
            for result in try await redis.runPipelined(Self.replayScript, calls: calls) { _ = try result.get() }
            replayed += batch.count
            progress(replayed)
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

    static let replayScript = RedisScript(
        """
        if redis.call('XDEL', KEYS[1], ARGV[1]) == 1 then
          redis.call('XADD', KEYS[2], '*', unpack(ARGV, 2))
          return 1
        end
        return 0
        """
    )
}
