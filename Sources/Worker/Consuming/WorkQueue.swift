import Shared

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The worker's Redis side of the inbound stream: read, reclaim, heartbeat, ack, retry later, dead-letter,
/// sent-reply markers and trimming. Every state change that must not be half done is one script.
struct WorkQueue: Sendable {
    /// `ZADD` the retry, then `XACK` the entry: a retry is never both pending and scheduled, nor neither.
    static let retryScript = RedisScript(
        """
        redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
        return redis.call('XACK', KEYS[2], ARGV[3], ARGV[4])
        """
    )

    /// Moves retries that are due back to the stream (each member is `v\\nkey\\nat\\nbody`).
    static let moveDueScript = RedisScript(
        """
        local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
        for _, member in ipairs(due) do
          local v, key, at, body = string.match(member, '^([^\\n]*)\\n([^\\n]*)\\n([^\\n]*)\\n(.*)$')
          if v then
            redis.call('XADD', KEYS[2], '*', 'v', v, 'key', key, 'at', at, 'body', body)
          end
          redis.call('ZREM', KEYS[1], member)
        end
        return #due
        """
    )

    /// `XADD` the dead letter, then `XACK` the entry.
    static let deadLetterScript = RedisScript(
        """
        redis.call('XADD', KEYS[1], 'MAXLEN', '~', 100000, '*', unpack(ARGV, 3))
        return redis.call('XACK', KEYS[2], ARGV[1], ARGV[2])
        """
    )

    let redis: RedisClient
    let keys: QueueKeys
    let consumer: String
    /// How long `XREADGROUP` blocks: short, so shutdown is noticed.
    var blockMilliseconds = 1_000

    var stream: RedisArgument { RedisArgument(keys.inbound) }
    var group: RedisArgument { RedisArgument(keys.consumerGroup) }

    /// Sent-reply markers live 48 h, the length of WeChat's reply window.
    static let sentMarkerSeconds = 48 * 3600

    func ensureGroup() async throws(RedisError) {
        try await InboundQueue(redis: redis, keys: keys).ensureConsumerGroup()
    }

    /// New entries for this consumer, waiting up to ``blockMilliseconds``.
    func read(count: Int) async throws(RedisError) -> [StreamEntry] {
        let reply = try await redis.send(
            "XREADGROUP", "GROUP", group, RedisArgument(consumer), "COUNT", RedisArgument(count), "BLOCK", RedisArgument(blockMilliseconds),
            "STREAMS", stream, ">")
        return try StreamEntry.fromRead(reply)
    }

    /// Entries pending longer than `minimumIdle` on any consumer, now ours.
    func reclaim(minimumIdle: Duration, count: Int) async throws(RedisError) -> [StreamEntry] {
        let reply = try await redis.send(
            "XAUTOCLAIM", stream, group, RedisArgument(consumer), RedisArgument(minimumIdle.milliseconds), "0-0", "COUNT", RedisArgument(count))
        guard let parts = reply.array, parts.count >= 2 else { throw .unexpectedReply("XAUTOCLAIM reply") }
        return try StreamEntry.list(parts[1]).filter { !$0.fields.isEmpty }
    }

    /// How many times each entry was delivered (`XPENDING` extended form), for the poison check.
    func deliveryCount(of id: String) async throws(RedisError) -> Int {
        let reply = try await redis.send("XPENDING", stream, group, RedisArgument(id), RedisArgument(id), "1")
        guard let first = reply.array?.first?.array, first.count >= 4 else { return 0 }
        return Int(first[3].integer ?? 0)
    }

    /// Resets the idle time of entries we are still working on, without raising their delivery count.
    func heartbeat(_ ids: [String]) async throws(RedisError) {
        guard !ids.isEmpty else { return }
        try await redis.send(RedisCommand(["XCLAIM", stream, group, RedisArgument(consumer), "0"] + ids.map { RedisArgument($0) } + ["JUSTID"]))
    }

    func ack(_ id: String) async throws(RedisError) {
        try await redis.send("XACK", stream, group, RedisArgument(id))
    }

    /// Which of the first `count` replies of a message were already sent.
    func sentMarkers(dedupKey: String, count: Int) async throws(RedisError) -> [Bool] {
        guard count > 0 else { return [] }
        let reply = try await redis.send(RedisCommand(["MGET"] + (0..<count).map { RedisArgument(keys.sent(dedupKey, index: $0)) }))
        return (reply.array ?? []).map { !$0.isNull }
    }

    func markSent(dedupKey: String, index: Int) async throws(RedisError) {
        try await redis.send("SET", RedisArgument(keys.sent(dedupKey, index: index)), "1", "EX", RedisArgument(Self.sentMarkerSeconds))
    }

    /// Schedules `envelope` (with its attempt raised) for `due`, and acks the entry.
    func scheduleRetry(entryID: String, envelope: MessageEnvelope, dueAtMilliseconds: Int64) async throws(RedisError) {
        var next = envelope
        next.attempt += 1
        let member = "\(MessageEnvelope.currentVersion)\n\(next.dedupKey)\n\(next.receivedAtMilliseconds)\n" + String(decoding: next.encoded(), as: UTF8.self)
        try await redis.run(
            Self.retryScript, keys: [RedisArgument(keys.retries), stream],
            arguments: [RedisArgument(dueAtMilliseconds), RedisArgument(member), group, RedisArgument(entryID)])
    }

    /// Moves due retries back to the stream; returns how many.
    @discardableResult
    func moveDueRetries(now: Int64, limit: Int = 500) async throws(RedisError) -> Int {
        let moved = try await redis.run(Self.moveDueScript, keys: [RedisArgument(keys.retries), stream], arguments: [RedisArgument(now), RedisArgument(limit)])
        return Int(moved.integer ?? 0)
    }

    /// Writes the dead letter and acks the entry.
    func deadLetter(_ entry: StreamEntry, reason: String, errcode: Int?, attempts: Int, detail: String) async throws(RedisError) {
        var arguments: [RedisArgument] = [group, RedisArgument(entry.id)]
        arguments += ["reason", RedisArgument(reason), "errcode", RedisArgument(errcode.map(String.init) ?? ""), "attempts", RedisArgument(attempts)]
        arguments += ["detail", RedisArgument(detail), "source_id", RedisArgument(entry.id)]
        arguments += ["failed_at", RedisArgument(WallClock.milliseconds())]
        for name in ["v", "key", "at", "body"] {
            arguments += [RedisArgument(name), RedisArgument(bytes: entry.fields[name] ?? [])]
        }
        try await redis.run(Self.deadLetterScript, keys: [RedisArgument(keys.deadLetters), stream], arguments: arguments)
    }

    /// Trims entries below the oldest one still pending or not yet delivered (`XTRIM MINID ~`), never by
    /// count. Returns the threshold used, or nil when there was nothing to trim.
    @discardableResult
    func trimFinished() async throws(RedisError) -> String? {
        let pending = try await redis.send("XPENDING", stream, group)
        let groups = try await redis.send("XINFO", "GROUPS", stream)
        var lastDelivered: String?
        for info in groups.array ?? [] {
            let fields = info.fields
            if fields["name"]?.string == keys.consumerGroup { lastDelivered = fields["last-delivered-id"]?.string }
        }
        guard let lastDelivered, lastDelivered != "0-0" else { return nil }
        let threshold: String
        if let summary = pending.array, let count = summary.first?.integer, count > 0, let oldest = summary[1].string {
            threshold = oldest
        } else {
            threshold = Self.successor(of: lastDelivered)
        }
        try await redis.send("XTRIM", stream, "MINID", "~", RedisArgument(threshold))
        return threshold
    }

    /// The smallest stream id above `id`.
    static func successor(of id: String) -> String {
        let parts = id.split(separator: "-")
        guard parts.count == 2, let milliseconds = UInt64(parts[0]), let sequence = UInt64(parts[1]) else { return id }
        return sequence == UInt64.max ? "\(milliseconds + 1)-0" : "\(milliseconds)-\(sequence + 1)"
    }
}
