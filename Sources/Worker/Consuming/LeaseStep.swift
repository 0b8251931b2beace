import Shared

/// One slot's begin-send or complete as the batched STEPS script takes it (``LeaseScripts/steps``), so the
/// slots of a worker can share one script call (``LeaseStepBatcher``).
enum LeaseStep: Sendable {
    /// BEGIN-SEND (``LeaseScripts/beginFunction``): the keys of the reply's markers and the user's windows,
    /// whether to spend one message of the allowance, and the message's `observe` arguments (five empty
    /// arguments when its window is not to be opened).
    case begin(user: String, token: String, sent: String, sending: String, window: String, spend: Bool, observe: [RedisArgument])
    /// COMPLETE (``LeaseScripts/completeFunction``) of a replied head; `sentKey` is the sent marker to write
    /// (empty for none); `failing` whether the lease's grant found the user failing (``Lease/failingSince``).
    /// A dead letter never goes through a batch.
    case complete(user: String, token: String, keepGoing: Bool, sentKey: String, head: [UInt8], failing: Bool)

    /// The step's kind and fields, in the order the STEPS script reads them.
    var arguments: [RedisArgument] {
        switch self {
        case .begin(let user, let token, let sent, let sending, let window, let spend, let observe):
            return ["b", RedisArgument(user), RedisArgument(token), RedisArgument(sent), RedisArgument(sending), RedisArgument(window), spend ? "1" : ""] + observe
        case .complete(let user, let token, let keepGoing, let sentKey, let head, let failing):
            return ["c", RedisArgument(user), RedisArgument(token), keepGoing ? "1" : "0", RedisArgument(sentKey), RedisArgument(bytes: head), failing ? "1" : "0"]
        }
    }

    /// `observe` arguments that leave the window alone.
    static let noObserve: [RedisArgument] = ["", "", "", "", ""]
}
