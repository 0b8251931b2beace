import Shared
import Yams

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Reads a rules file (YAML, parsed with Yams):
///
/// ```yaml
/// subscribe: "Welcome!"
/// keywords:
///   - exact: "ping"
///     reply: "pong"
///   - contains: "price"
///     reply: "See the price list"
///   - regex: "^order\\s+(\\d+)$"
///     reply: "Order $1 is on its way"
///   - exact: "logo"
///     reply: {image: MEDIA_ID}
/// default: echo          # echo | none | any other string (or a reply mapping)
/// fallback:              # when no customer-service message can reach the user (also per rule)
///   template: {id: TEMPLATE_ID, data: {thing1: "{{reply}}"}, url: "https://…"}
/// long_text: split       # split | truncate texts over 2048 bytes (also per rule)
/// ```
///
/// A reply is a string (text) or a mapping with one key: `text`, `image`, `voice`, `mpnews` (a media
/// id), `video` (`media_id`, `thumb_media_id`, `title`, `description`) or `news` (`title`,
/// `description`, `url`, `picurl`). Every problem is reported with the file and line.
enum RulesParser {
    static func load(path: String) throws(RulesParseError) -> Rules {
        let text: String
        do {
            text = try YAMLFile.read(path: path)
        } catch {
            throw RulesParseError(file: path, line: nil, problem: error.problem)
        }
        return try parse(text, file: path)
    }

    static func parse(_ text: String, file: String) throws(RulesParseError) -> Rules {
        let root: Node?
        do {
            root = try YAMLFile.compose(text)
        } catch {
            throw RulesParseError(file: file, line: error.line, problem: error.problem)
        }
        guard let root else { return Rules(subscribe: nil, keywords: [], fallback: .none) }
        guard let mapping = root.mapping else { throw RulesParseError(file: file, at: root, "the top level must be a mapping (subscribe, keywords, default, clicks, scans)") }

        var rules = Rules(subscribe: nil, keywords: [], fallback: .echo)
        for (keyNode, value) in mapping {
            switch keyNode.string {
            case "subscribe":
                rules.subscribe = try reply(value, file: file)
            case "default":
                if let word = value.scalar?.string, word == "echo" {
                    rules.fallback = .echo
                } else if let word = value.scalar?.string, word == "none" {
                    rules.fallback = .none
                } else {
                    rules.fallback = .reply(try reply(value, file: file))
                }
            case "clicks", "scans":
                guard let table = value.mapping else { throw RulesParseError(file: file, at: value, "\(keyNode.string ?? "") must be a mapping of KEY: reply") }
                var replies: [String: CustomerServiceMessage.Content] = [:]
                for (key, replyNode) in table {
                    guard let name = key.scalar?.string, !name.isEmpty else { throw RulesParseError(file: file, at: key, "a \(keyNode.string ?? "") key must be a non-empty string") }
                    replies[name] = try reply(replyNode, file: file)
                }
                if keyNode.string == "clicks" { rules.clicks = replies } else { rules.scans = replies }
            case "keywords":
                guard let list = value.sequence else { throw RulesParseError(file: file, at: value, "keywords must be a list") }
                for item in list {
                    rules.keywords.append(try keyword(item, file: file))
                }
            case "fallback":
                rules.reach.fallback = try fallback(value, file: file)
            case "long_text":
                rules.reach.longText = try longText(value, file: file)
            default:
                throw RulesParseError(file: file, at: keyNode, "unknown key '\(keyNode.string ?? "?")' (expected subscribe, keywords, default, clicks, scans, fallback or long_text)")
            }
        }
        return rules
    }

    private static func keyword(_ node: Node, file: String) throws(RulesParseError) -> Rules.Keyword {
        guard let mapping = node.mapping else { throw RulesParseError(file: file, at: node, "a keyword rule must be a mapping with exact, contains or regex, and reply") }
        var match: Rules.Match?
        var replyContent: CustomerServiceMessage.Content?
        var ruleFallback: ReplyFallback?
        var ruleLongText: LongTextPolicy?
        for (keyNode, value) in mapping {
            let key = keyNode.string ?? ""
            switch key {
            case "exact", "contains", "regex":
                guard match == nil else { throw RulesParseError(file: file, at: keyNode, "a keyword rule takes only one of exact, contains, regex") }
                guard let text = value.scalar?.string, !text.isEmpty else { throw RulesParseError(file: file, at: value, "\(key) must be a non-empty string") }
                switch key {
                case "exact": match = .exact(text)
                case "contains": match = .contains(text)
                default:
                    do {
                        match = .regex(try RegexRule(pattern: text))
                    } catch {
                        throw RulesParseError(file: file, at: value, "invalid regex '\(text)': \(error)")
                    }
                }
            case "reply":
                replyContent = try reply(value, file: file)
            case "fallback":
                ruleFallback = try fallback(value, file: file)
            case "long_text":
                ruleLongText = try longText(value, file: file)
            default:
                throw RulesParseError(file: file, at: keyNode, "unknown key '\(key)' in a keyword rule (expected exact, contains, regex, reply, fallback, long_text)")
            }
        }
        guard let match else { throw RulesParseError(file: file, at: node, "a keyword rule needs exact, contains or regex") }
        guard let replyContent else { throw RulesParseError(file: file, at: node, "a keyword rule needs a reply") }
        return Rules.Keyword(match: match, reply: replyContent, fallback: ruleFallback, longText: ruleLongText)
    }

    private static func reply(_ node: Node, file: String) throws(RulesParseError) -> CustomerServiceMessage.Content {
        if let scalar = node.scalar {
            guard !scalar.string.isEmpty else { throw RulesParseError(file: file, at: node, "a reply must not be empty") }
            return .text(scalar.string)
        }
        guard let mapping = node.mapping, mapping.count == 1, let (typeNode, value) = mapping.first else {
            throw RulesParseError(file: file, at: node, "a reply must be a string or a mapping with one type (text, image, voice, video, news, mpnews)")
        }
        func string(_ name: String, in fields: Node.Mapping, required: Bool = true) throws(RulesParseError) -> String? {
            let found = fields[name]?.scalar?.string
            if required, found?.isEmpty ?? true { throw RulesParseError(file: file, at: value, "\(typeNode.string ?? "") needs \(name)") }
            return found
        }
        switch typeNode.string ?? "" {
        case "text", "image", "voice", "mpnews":
            guard let text = value.scalar?.string, !text.isEmpty else { throw RulesParseError(file: file, at: value, "\(typeNode.string ?? "") needs a string value") }
            switch typeNode.string {
            case "text": return .text(text)
            case "image": return .image(mediaID: text)
            case "voice": return .voice(mediaID: text)
            default: return .mpnews(mediaID: text)
            }
        case "video":
            guard let fields = value.mapping else { throw RulesParseError(file: file, at: value, "video needs media_id and thumb_media_id") }
            return .video(
                mediaID: try string("media_id", in: fields) ?? "", thumbMediaID: try string("thumb_media_id", in: fields) ?? "",
                title: try string("title", in: fields, required: false), description: try string("description", in: fields, required: false))
        case "news":
            let article = value.sequence?.first ?? value
            guard let fields = article.mapping else { throw RulesParseError(file: file, at: value, "news needs title, description, url and picurl") }
            return .news(
                CustomerServiceMessage.Article(
                    title: try string("title", in: fields) ?? "", description: try string("description", in: fields, required: false) ?? "",
                    url: try string("url", in: fields) ?? "", picURL: try string("picurl", in: fields, required: false) ?? ""))
        default:
            throw RulesParseError(file: file, at: typeNode, "unknown reply type '\(typeNode.string ?? "")' (expected text, image, voice, video, news, mpnews)")
        }
    }
}
