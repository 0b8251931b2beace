/// The top-level `fallback:` and `long_text:` of a rules file: how a reply reaches the user when the
/// reply window is closed or spent (``ReplyFallback``), and what happens to texts over WeChat's limit.
/// A keyword rule's own keys override them.
struct RulesReach: Sendable {
    var fallback: ReplyFallback?
    var longText: LongTextPolicy = .split
}
