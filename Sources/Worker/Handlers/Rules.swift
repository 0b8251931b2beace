import Shared

/// The built-in reply rules, as read from `WORKER_RULES` (see ``RulesParser``) or the built-in default:
/// text → the same text, image/voice → the same media back, subscribe → a welcome, anything else → nothing.
struct Rules: Sendable {
    /// How a keyword rule matches the text of a message.
    enum Match: Sendable {
        case exact(String)
        case contains(String)
        /// A regular expression, compiled when the rules are read; `$1`, `$2`… in a text reply are its
        /// capture groups. Matching is bounded (``RegexRule``).
        case regex(RegexRule)
    }

    /// One keyword rule.
    struct Keyword: Sendable {
        var match: Match
        var reply: CustomerServiceMessage.Content
        /// This rule's `fallback:` (else the file's).
        var fallback: ReplyFallback? = nil
        /// This rule's `long_text:` (else the file's).
        var longText: LongTextPolicy? = nil
    }

    /// What happens to a message no rule matched.
    enum Fallback: Sendable, Hashable {
        /// Text, image and voice come back as they were sent.
        case echo
        case none
        /// This reply to any unmatched text message.
        case reply(CustomerServiceMessage.Content)
    }

    var subscribe: CustomerServiceMessage.Content?
    var keywords: [Keyword]
    var fallback: Fallback
    /// The file's `fallback:` and `long_text:`, for every rule without its own.
    var reach = RulesReach()

    /// Whether any keyword rule is a regex (its matching then runs off the cooperative pool).
    var hasRegex: Bool {
        keywords.contains { if case .regex = $0.match { return true } else { return false } }
    }

    /// The rules used without `WORKER_RULES`.
    static let builtIn = Rules(subscribe: .text("Welcome! Send me a message and I will echo it back."), keywords: [], fallback: .echo)
}
