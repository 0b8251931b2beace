import Shared

/// The built-in reply rules, as read from `WORKER_RULES` (see ``RulesParser``) or the built-in default:
/// text → the same text, image/voice → the same media back, subscribe → a welcome, anything else → nothing;
/// `clicks:` answers menu keys and `scans:` QR-code scene values.
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
    /// Menu keys (`CLICK`, `scancode_push`, `scancode_waitmsg` events) and their replies: `clicks:`.
    var clicks: [String: CustomerServiceMessage.Content] = [:]
    /// QR-code scene values and their replies (`scans:`), for `SCAN` and for a `subscribe` through a code
    /// (whose `qrscene_` prefix is removed), where the scene's reply replaces the welcome.
    var scans: [String: CustomerServiceMessage.Content] = [:]
    /// The file's `fallback:` and `long_text:`, for every rule without its own.
    var reach = RulesReach()

    /// Whether any keyword rule is a regex (its matching then runs off the cooperative pool).
    var hasRegex: Bool {
        keywords.contains { if case .regex = $0.match { return true } else { return false } }
    }

    /// The rules used without `WORKER_RULES`.
    static let builtIn = Rules(subscribe: .text("Welcome! Send me a message and I will echo it back."), keywords: [], fallback: .echo)
}
