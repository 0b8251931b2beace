import Shared

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `worker trace`: where a message (or a user's messages) is now and what happened to it, read from the
/// queue's own keys in Redis; nothing extra is written per message to make it possible.
///
/// - the ingress's dedup key says it arrived (for `QUEUE_DEDUP_SECONDS`);
/// - the user's queue says whether it waits, at which position, since when and at which attempt;
/// - the lease (`owner`, `deadline`), `ready`, `failing` and `stalls` say who holds the user, when it
///   is due, since when its head fails and how often a lease on it expired;
/// - the sent markers (`<unix ms> <consumer>`, 48 h) and sending markers (the lease token) say which
///   replies went out, when and from which worker, or which began without a recorded outcome;
/// - the dead letters say why it was given up.
struct MessageTrace: Sendable {
    let redis: RedisClient
    let keys: QueueKeys
    /// How many replies of one message are looked up (a rule may answer with several).
    var repliesLookedUp = 10
    /// How many dead letters, newest first, are searched.
    var deadLettersSearched = 10_000

    /// The report for a dedup key (`m:…`, `e:…`), a MsgId (digits) or an openid.
    func report(for query: String) async throws(RedisError) -> [String] {
        let letters = try await DeadLetters(redis: redis, keys: keys).list(count: deadLettersSearched)
        if query.hasPrefix("m:") || query.hasPrefix("e:") {
            return try await message(DedupKey(rawValue: query), letters: letters)
        }
        if !query.isEmpty, query.allSatisfy(\.isNumber) {
            let found = try await keysFor(msgID: query)
            if found.isEmpty {
                return ["MsgId \(query): no message with this MsgId in the dedup window, the queues or the last 48 h of replies"]
            }
            var lines: [String] = []
            for key in found { lines += try await message(key, letters: letters) + [""] }
            return Array(lines.dropLast())
        }
        return try await user(query, letters: letters)
    }

    // MARK: One message

    private func message(_ key: DedupKey, letters: [DeadLetters.Letter]) async throws(RedisError) -> [String] {
        var lines = ["message \(key.masked)"]
        let dedupTTL = try await redis.send("TTL", RedisArgument(keys.dedup(key.rawValue))).integer ?? -2
        lines.append(dedupTTL >= 0 ? "  arrived: yes (the ingress keeps its dedup key \(dedupTTL) s more)" : "  arrived: not within the dedup window (older, or never)")

        let user = Self.sender(of: key)
        var isQueued = false
        if let user {
            let queued = try await queuedRecords(of: user)
            if let index = queued.firstIndex(where: { $0.envelope?.dedupKey == key.rawValue }), let envelope = queued[index].envelope {
                isQueued = true
                lines.append("  queued: position \(index + 1) of \(queued.count) in the user's queue, received \(Self.time(envelope.receivedAtMilliseconds)), attempt \(envelope.attempt + 1)")
                if index == 0 { lines += try await leaseLines(of: user) }
            } else {
                lines.append("  queued: no (finished, dead-lettered, or not arrived)")
            }
        }

        var replies: [RedisCommand] = []
        for index in 0..<repliesLookedUp {
            replies.append(RedisCommand("GET", RedisArgument(keys.sent(key.rawValue, index: index))))
            replies.append(RedisCommand("GET", RedisArgument(keys.sending(key.rawValue, index: index))))
        }
        let markers = try await redis.pipeline(replies).map { try? $0.get().string }
        var anyReply = false
        for index in 0..<repliesLookedUp {
            let sent = markers[2 * index] ?? nil
            let sending = markers[2 * index + 1] ?? nil
            if let sent {
                anyReply = true
                let parts = sent.split(separator: " ", maxSplits: 1)
                let when = parts.first.flatMap { Int64($0) }.map(Self.time) ?? "at an unknown time"
                lines.append("  reply \(index + 1): sent \(when)\(parts.count > 1 ? " by \(parts[1])" : "")")
            } else if let sending {
                anyReply = true
                lines.append(
                    isQueued
                        ? "  reply \(index + 1): begun by lease \(sending), no outcome recorded yet (in flight, or its worker died mid-send)"
                        : "  reply \(index + 1): attempted by lease \(sending), not delivered")
            }
        }
        if !anyReply { lines.append("  replies: none attempted in the last 48 h") }

        for letter in letters where letter.dedupKey == key.rawValue {
            lines.append("  dead letter \(letter.id): reason=\(letter.reason) errcode=\(letter.errcode.isEmpty ? "-" : letter.errcode) attempts=\(letter.attempts) \(letter.detail)")
        }
        return lines
    }

    // MARK: One user

    private func user(_ openID: String, letters allLetters: [DeadLetters.Letter]) async throws(RedisError) -> [String] {
        var lines = ["user \(DedupKey.maskOpenID(openID))"]
        let queued = try await queuedRecords(of: openID)
        lines.append("  queued: \(queued.count) message\(queued.count == 1 ? "" : "s")")
        for (index, record) in queued.prefix(20).enumerated() {
            let key = record.envelope.map { DedupKey(rawValue: $0.dedupKey).masked } ?? "(unreadable record)"
            let received = record.envelope.map { Self.time($0.receivedAtMilliseconds) } ?? "?"
            lines.append("    \(index + 1). \(key), received \(received), attempt \((record.envelope?.attempt ?? 0) + 1)")
        }
        if queued.count > 20 { lines.append("    … and \(queued.count - 20) more") }
        lines += try await leaseLines(of: openID)
        let letters = allLetters.filter { $0.user == openID }
        lines.append("  dead letters: \(letters.count)")
        for letter in letters.suffix(5) {
            lines.append("    \(letter.id): \(DedupKey(rawValue: letter.dedupKey).masked) reason=\(letter.reason) errcode=\(letter.errcode.isEmpty ? "-" : letter.errcode)")
        }
        return lines
    }

    /// Who holds the user, when it is due, since when its head fails, how often a lease on it expired.
    private func leaseLines(of user: String) async throws(RedisError) -> [String] {
        let replies = try await redis.pipeline([
            RedisCommand("HGET", RedisArgument(keys.owner), RedisArgument(user)),
            RedisCommand("ZSCORE", RedisArgument(keys.deadline), RedisArgument(user)),
            RedisCommand("ZSCORE", RedisArgument(keys.ready), RedisArgument(user)),
            RedisCommand("HGET", RedisArgument(keys.failing), RedisArgument(user)),
            RedisCommand("HGET", RedisArgument(keys.stalls), RedisArgument(user)),
        ]).map { try? $0.get() }
        let now = WallClock.milliseconds()
        var lines: [String] = []
        if let token = replies[0]?.string {
            let deadline = replies[1]?.string.flatMap { Double($0) }.map { Int64($0) }
            let consumer = token.split(separator: ":", maxSplits: 1).dropFirst().first.map(String.init) ?? token
            lines.append("  lease: held by \(consumer) (token \(token))\(deadline.map { ", expires in \(max(0, $0 - now) / 1000) s" } ?? "")")
        } else if let due = replies[2]?.string.flatMap({ Double($0) }).map({ Int64($0) }) {
            lines.append(due <= now ? "  lease: none; the user waits for a free worker since \(Self.time(due))" : "  lease: none; retried \(Self.time(due)) (in \((due - now) / 1000) s)")
        } else {
            lines.append("  lease: none, not waiting")
        }
        if let since = replies[3]?.string.flatMap({ Int64($0) }) { lines.append("  failing since \(Self.time(since))") }
        if let stalls = replies[4]?.string, stalls != "0" { lines.append("  a lease on its head expired \(stalls) time(s) (a worker crashed or hung)") }
        return lines
    }

    // MARK: Lookups

    private struct Queued {
        var envelope: MessageEnvelope?
    }

    private func queuedRecords(of user: String) async throws(RedisError) -> [Queued] {
        let reply = try await redis.send("LRANGE", RedisArgument(keys.userQueue(user)), "0", "9999")
        return (reply.array ?? []).map { item in
            Queued(envelope: item.bytes.flatMap { try? MessageEnvelope(decoding: QueueRecord(bytes: $0).envelope) })
        }
    }

    /// The dedup keys of a MsgId: from the ingress's dedup keys and the sent markers (SCAN; an operator's tool).
    private func keysFor(msgID: String) async throws(RedisError) -> [DedupKey] {
        var found = Set<String>()
        for (pattern, prefix) in [("\(keys.prefix):dedup:m:\(msgID):*", "\(keys.prefix):dedup:"), ("\(keys.prefix):sent:m:\(msgID):*", "\(keys.prefix):sent:")] {
            var cursor = "0"
            var rounds = 0
            repeat {
                let reply = try await redis.send("SCAN", RedisArgument(cursor), "MATCH", RedisArgument(pattern), "COUNT", "1000")
                guard let parts = reply.array, parts.count == 2, let next = parts[0].string else { break }
                cursor = next
                for item in parts[1].array ?? [] {
                    guard var key = item.string?.dropFirst(prefix.count).description else { continue }
                    if prefix.hasSuffix(":sent:"), let colon = key.lastIndex(of: ":") { key = String(key[..<colon]) }
                    found.insert(key)
                }
                rounds += 1
            } while cursor != "0" && rounds < 10_000
        }
        return found.sorted().map(DedupKey.init(rawValue:))
    }

    /// The openid in a dedup key (`m:<MsgId>:<openid>:…`, `e:<openid>:…`), unless it was hashed.
    static func sender(of key: DedupKey) -> String? {
        let parts = key.rawValue.split(separator: ":", omittingEmptySubsequences: false)
        let index = parts.first == "m" ? 2 : 1
        guard parts.count > index, !parts[index].hasPrefix("~") else { return nil }
        return String(parts[index])
    }

    /// `2026-12-01T12:00:01.234Z`.
    static func time(_ milliseconds: Int64) -> String {
        Date(timeIntervalSince1970: Double(milliseconds) / 1000).formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}
