import Shared

/// Why a message was dead-lettered, as the dead-letter stream keeps it next to the message's
/// ``QueueRecord``: `reason`, `errcode`, `attempts`, `detail`, `failed_at`, `user`, `record`.
struct DeadLetterFields: Sendable, Hashable {
    var reason: DeadLetterReason
    var errcode: Int?
    var attempts: Int
    var detail: String

    func arguments(user: String, record: QueueRecord) -> [RedisArgument] {
        [
            "reason", RedisArgument(reason.rawValue), "errcode", RedisArgument(errcode.map(String.init) ?? ""), "attempts", RedisArgument(attempts),
            "detail", RedisArgument(detail), "failed_at", RedisArgument(WallClock.milliseconds()), "user", RedisArgument(user),
            "record", RedisArgument(bytes: record.bytes),
        ]
    }
}
