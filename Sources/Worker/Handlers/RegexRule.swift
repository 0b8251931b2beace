import Foundation

/// The regular expression of a keyword rule, compiled once when the rules are read. ICU's engine does
/// the matching (through `NSRegularExpression`, immutable and safe to share between threads): the usual
/// syntax of Perl and Swift's `Regex` for what rules use — `\d`, `\s`, groups, anchors, `(?i)`.
///
/// Matching is bounded, so a pattern with catastrophic backtracking (`^(a+)+$` against `"a"×40 + "!"`)
/// cannot stall a worker: a text longer than ``maximumInput`` is not tried, and a match still running
/// when its budget is spent is abandoned (ICU calls back while it works; the callback stops it).
struct RegexRule: Sendable {
    /// What the rules file says.
    let pattern: String
    private let expression: NSRegularExpression

    /// The longest text a regex rule is tried on, in UTF-16 units (WeChat's text messages are shorter).
    static let maximumInput = 4_096

    /// How one match ended.
    enum Outcome: Sendable, Hashable {
        /// `$0` (the whole match) and each capture group; "" for a group that took no part.
        case matched([String])
        case noMatch
        /// Not decided: the budget ran out, or the text is longer than ``maximumInput``.
        case abandoned(String)
    }

    /// Compiles `pattern`; throws on invalid syntax.
    init(pattern: String) throws {
        expression = try NSRegularExpression(pattern: pattern)
        self.pattern = pattern
    }

    /// The first match in `text`, giving up after `budget`.
    func match(_ text: String, budget: Duration) -> Outcome {
        let length = text.utf16.count
        guard length <= Self.maximumInput else { return .abandoned("the text is longer than \(Self.maximumInput) UTF-16 units") }
        let deadline = ContinuousClock.now + budget
        var found: NSTextCheckingResult?
        var overBudget = false
        expression.enumerateMatches(in: text, options: [.reportProgress], range: NSRange(location: 0, length: length)) { result, _, stop in
            if let result {
                found = result
                stop.pointee = true
            } else if ContinuousClock.now >= deadline {
                overBudget = true
                stop.pointee = true
            }
        }
        guard let found else { return overBudget ? .abandoned("the match ran past its budget of \(budget)") : .noMatch }
        let groups = (0..<found.numberOfRanges).map { index -> String in
            let range = found.range(at: index)
            guard range.location != NSNotFound, let bounds = Range(range, in: text) else { return "" }
            return String(text[bounds])
        }
        return .matched(groups)
    }
}
