import Logging
import Shared
import Synchronization

/// The built-in ``MessageHandler``: answers with ``Rules`` (from `WORKER_RULES` or the built-in
/// default). ``reload()`` re-reads the file (on SIGHUP) and keeps the old rules when the new file is bad.
///
/// A regex rule gets ``regexBudget`` per message; past it (or on a text too long to try) the rule is
/// logged and skipped, and the next rule or the default answers. Rules with a regex are matched on a
/// thread of their own (``RulesMatcher``), never on the cooperative pool.
final class RulesHandler: MessageHandler {
    private let current: Mutex<Rules>
    let path: String?
    private let logger: Logger
    private let matcher: BatchingThread<RulesMatcher>
    /// Where `${profile.FIELD}` in a text reply is looked up (`WORKER_USER_PROFILE=on`); nil: those read empty.
    let profiles: ProfileStore?

    /// How long one regex rule may run on one message.
    static let regexBudget = Duration.milliseconds(100)

    init(rules: Rules, path: String? = nil, profiles: ProfileStore? = nil, logger: Logger = Logger(label: "worker.rules")) {
        current = Mutex(rules)
        self.profiles = profiles
        self.path = path
        self.logger = logger
        matcher = BatchingThread(name: "rules-regex") { RulesMatcher() }
    }

    deinit { matcher.close() }

    /// Loads the rules at `path`, or the built-in ones when `path` is nil.
    convenience init(path: String?, logger: Logger = Logger(label: "worker.rules")) throws(RulesParseError) {
        let rules = try path.map { path throws(RulesParseError) in try RulesParser.load(path: path) } ?? .builtIn
        self.init(rules: rules, path: path, logger: logger)
    }

    var rules: Rules { current.withLock { $0 } }

    /// The rules never look at the reply window (only at the fallback and long-text policy).
    var readsReach: Bool { false }

    /// Re-reads the file; on error logs it and keeps the rules in force.
    @discardableResult
    func reload() -> Bool {
        guard let path else { return true }
        do {
            let rules = try RulesParser.load(path: path)
            current.withLock { $0 = rules }
            logger.info("reloaded the rules from \(path): \(rules.keywords.count) keyword rules")
            return true
        } catch {
            logger.error("\(error); keeping the rules in force")
            return false
        }
    }

    func handle(_ message: InboundMessage) async throws -> [CustomerServiceMessage.Content] {
        try await withProfiles(try await match(message, rules: self.rules).contents, of: message)
    }

    /// `${profile.…}` in `contents` filled from the sender's profile (when `WORKER_USER_PROFILE=on`).
    private func withProfiles(_ contents: [CustomerServiceMessage.Content], of message: InboundMessage) async -> [CustomerServiceMessage.Content] {
        guard ProfileTemplate.refersToProfile(contents) else { return contents }
        let profile = await profiles?.profile(of: message.fromUserName)
        return contents.map { ProfileTemplate.fill($0, profile: profile) }
    }

    /// The replies with the fallback and long-text policy of the rule that answered (or the file's).
    func answer(_ message: InboundMessage, reach: ReachContext) async throws -> [Reply] {
        let rules = self.rules
        let outcome = try await match(message, rules: rules)
        let keyword = outcome.matched.map { rules.keywords[$0] }
        return await withProfiles(outcome.contents, of: message).map {
            Reply($0, fallback: keyword?.fallback ?? rules.reach.fallback, longText: keyword?.longText ?? rules.reach.longText)
        }
    }

    private func match(_ message: InboundMessage, rules: Rules) async throws -> RulesMatcher.Outcome {
        guard rules.hasRegex, case .text = message.kind else {
            var matched: Int?
            let contents = Self.reply(to: message, rules: rules, matched: { matched = $0 })
            return RulesMatcher.Outcome(contents: contents, matched: matched, skipped: [])
        }
        guard let outcome = await matcher.submit(RulesMatcher.Request(message: message, rules: rules, budget: Self.regexBudget)) else {
            throw HandlerError.retryLater("the rules matcher is closed")
        }
        for (pattern, reason) in outcome.skipped {
            logger.warning("skipped the regex rule '\(pattern)' for a message: \(reason); the next rule or the default answers")
        }
        return outcome
    }

    /// The reply `rules` give to `message`. A regex rule gets `budget`; one that runs past it or
    /// cannot be tried is reported to `skipped` (pattern, reason) and the next rule is tried.
    static func reply(
        to message: InboundMessage, rules: Rules, budget: Duration = regexBudget, skipped: (String, String) -> Void = { _, _ in },
        matched: (Int) -> Void = { _ in }
    ) -> [CustomerServiceMessage.Content] {
        switch message.kind {
        case .text(let content, _):
            let text = content.trimmingWhitespace
            for (position, keyword) in rules.keywords.enumerated() {
                switch keyword.match {
                case .exact(let expected) where text == expected:
                    matched(position)
                    return [keyword.reply]
                case .contains(let part) where text.contains(part):
                    matched(position)
                    return [keyword.reply]
                case .regex(let rule):
                    switch rule.match(text, budget: budget) {
                    case .matched(let groups):
                        matched(position)
                        return [substitute(keyword.reply, groups: groups)]
                    case .noMatch: continue
                    case .abandoned(let reason):
                        skipped(rule.pattern, reason)
                        continue
                    }
                default: continue
                }
            }
            switch rules.fallback {
            case .echo: return content.isEmpty ? [] : [.text(content)]
            case .none: return []
            case .reply(let reply): return [reply]
            }
        case .image(_, let mediaID):
            return rules.fallback == .echo && !mediaID.isEmpty ? [.image(mediaID: mediaID)] : []
        case .voice(let mediaID, _, _):
            return rules.fallback == .echo && !mediaID.isEmpty ? [.voice(mediaID: mediaID)] : []
        case .event(let event):
            switch event {
            case .subscribe(let scene, _):
                if let scene, let reply = rules.scans[scene] { return [reply] }
                return rules.subscribe.map { [$0] } ?? []
            case .scan(let scene, _):
                return rules.scans[scene].map { [$0] } ?? []
            case .click(let key), .scanCodePush(let key, _, _), .scanCodeWaitMsg(let key, _, _):
                return rules.clicks[key].map { [$0] } ?? []
            default:
                return []
            }
        default:
            return []
        }
    }

    /// Replaces `$1`…`$9` in a text reply with the capture groups (`$0` is the whole match).
    private static func substitute(_ reply: CustomerServiceMessage.Content, groups: [String]) -> CustomerServiceMessage.Content {
        guard case .text(let template) = reply else { return reply }
        var result = ""
        var characters = template.makeIterator()
        var pending: Character? = characters.next()
        while let character = pending {
            pending = characters.next()
            if character == "$", let next = pending, let digit = next.wholeNumberValue, digit < groups.count {
                result += groups[digit]
                pending = characters.next()
            } else {
                result.append(character)
            }
        }
        return .text(result)
    }
}
