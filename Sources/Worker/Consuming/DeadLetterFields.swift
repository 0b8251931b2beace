import Shared

/// Why a message was dead-lettered, as the dead-letter stream keeps it next to the message's
/// ``QueueRecord``: `reason`, `errcode`, `attempts`, `detail`, `failed_at`, `user`, `record`.
struct DeadLetterFields: Sendable, Hashable {
    /// A short word: `handler-permanent`, `attempts-exhausted`, `malformed-envelope`, WeChat's reason, …
    var reason: String
    var errcode: Int?
    var attempts: Int
    var detail: String

    func arguments(user: String, record: QueueRecord) -> [RedisArgument] {
        [
            "reason", RedisArgument(reason), "errcode", RedisArgument(errcode.map(String.init) ?? ""), "attempts", RedisArgument(attempts),
            "detail", RedisArgument(detail), "failed_at", RedisArgument(WallClock.milliseconds()), "user", RedisArgument(user),
            "record", RedisArgument(bytes: record.bytes),
        ]
    }
}
