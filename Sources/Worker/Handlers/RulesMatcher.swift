import Shared

/// Runs ``RulesHandler/reply(to:rules:budget:abandoned:)`` for messages whose rules include a regex, on a
/// ``BatchingThread`` of its own: a regex match is CPU work of up to its budget, which must not hold one
/// of the few threads of Swift's cooperative pool (two on a two-core machine) that every message shares.
struct RulesMatcher: BatchProcessor {
    /// One message and the rules in force when it arrived.
    struct Request: Sendable {
        var message: InboundMessage
        var rules: Rules
        var budget: Duration
    }

    /// The reply, and every regex rule that was skipped on the way (its pattern, and why).
    struct Outcome: Sendable {
        var contents: [CustomerServiceMessage.Content]
        /// The position of the keyword rule that answered, nil when none did.
        var matched: Int? = nil
        var skipped: [(pattern: String, reason: String)]
    }

    /// nil: the matcher was closed.
    typealias Reply = Outcome?

    static var closedReply: Outcome? { nil }

    mutating func process(_ requests: [Request]) -> [Outcome?] {
        requests.map { request in
            var skipped: [(pattern: String, reason: String)] = []
            var matched: Int?
            let contents = RulesHandler.reply(
                to: request.message, rules: request.rules, budget: request.budget, skipped: { skipped.append(($0, $1)) }, matched: { matched = $0 })
            return Outcome(contents: contents, matched: matched, skipped: skipped)
        }
    }
}
