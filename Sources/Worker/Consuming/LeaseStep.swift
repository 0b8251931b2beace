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
    case complete(user: String, token: String, goingOn: GoingOn, sentKey: String, head: [UInt8], failing: Bool)

    /// What the slot does after a COMPLETE (``LeaseScripts/completeFunction``'s `goingOn`).
    enum GoingOn: String, Sendable {
        /// Nothing more (shutting down): the user goes back to `ready` if it has more.
        case stop = "0"
        /// Keeps the user for its next head only when no other user is due, else takes the user due longest.
        case fair = "1"
        /// Keeps the user for its next head whoever is due: the lease is within its fairness slice.
        case keep = "2"
    }

    /// The step's kind and fields, in the order the STEPS script reads them.
    var arguments: [RedisArgument] {
        switch self {
        case .begin(let user, let token, let sent, let sending, let window, let spend, let observe):
            return ["b", RedisArgument(user), RedisArgument(token), RedisArgument(sent), RedisArgument(sending), RedisArgument(window), spend ? "1" : ""] + observe
        case .complete(let user, let token, let goingOn, let sentKey, let head, let failing):
            return ["c", RedisArgument(user), RedisArgument(token), RedisArgument(goingOn.rawValue), RedisArgument(sentKey), RedisArgument(bytes: head), failing ? "1" : "0"]
        }
    }

    /// `observe` arguments that leave the window alone.
    static let noObserve: [RedisArgument] = ["", "", "", "", ""]
}
