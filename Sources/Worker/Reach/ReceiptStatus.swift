import Shared

/// Template messages and their receipts, as `worker status` shows them: how many the relay sent, how
/// many receipts came back by status, and the latest receipts with the message each template replied to.
struct ReceiptStatus: Sendable {
    /// `sent` and each receipt status → count.
    var counts: [String: Int]
    /// The latest receipts, newest first: `msgid status dedup-key` (`-` when not sent by this relay).
    var latest: [String]

    static func read(redis: RedisClient, keys: ReachKeys) async throws(RedisError) -> ReceiptStatus {
        let replies = try await redis.pipeline([
            RedisCommand("HGETALL", RedisArgument(keys.receipts)), RedisCommand("LRANGE", RedisArgument(keys.receiptLog), "0", "9"),
        ])
        let flat = try replies[0].get().array?.compactMap(\.string) ?? []
        var counts: [String: Int] = [:]
        var index = 0
        while index + 1 < flat.count {
            counts[flat[index]] = Int(flat[index + 1]) ?? 0
            index += 2
        }
        return ReceiptStatus(counts: counts, latest: try replies[1].get().array?.compactMap(\.string) ?? [])
    }

    /// The lines `worker status` prints.
    var report: String {
        let statuses = counts.keys.filter { $0 != "sent" }.sorted().map { "\($0) \(counts[$0] ?? 0)" }
        let awaiting = max(0, (counts["sent"] ?? 0) - counts.filter { $0.key != "sent" && $0.key != "unknown" }.values.reduce(0, +))
        var lines = [
            "templates:        \(counts["sent"] ?? 0) sent, \(awaiting) awaiting a receipt; receipts: \(statuses.isEmpty ? "none" : statuses.joined(separator: ", "))"
        ]
        for entry in latest {
            lines.append("  receipt \(entry)")
        }
        return lines.joined(separator: "\n")
    }
}
