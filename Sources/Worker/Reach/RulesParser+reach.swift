import Shared
import Yams

extension RulesParser {
    /// `fallback: {template: {…}, subscribe: {…}}` (``ReplyFallback``), with the file and line of a problem.
    static func fallback(_ node: Node, file: String) throws(RulesParseError) -> ReplyFallback {
        do {
            return try ReplyFallback(json: json(node))
        } catch {
            throw RulesParseError(file: file, line: node.mark?.line, problem: error.description)
        }
    }

    /// `long_text: split | truncate`.
    static func longText(_ node: Node, file: String) throws(RulesParseError) -> LongTextPolicy {
        guard let word = node.scalar?.string, let policy = LongTextPolicy(rawValue: word) else {
            throw RulesParseError(file: file, line: node.mark?.line, problem: "long_text must be split or truncate")
        }
        return policy
    }

    /// A YAML node as JSON: mappings → objects, sequences → arrays, scalars → strings.
    private static func json(_ node: Node) -> JSONValue {
        if let mapping = node.mapping {
            var object: [String: JSONValue] = [:]
            for (key, value) in mapping { object[key.string ?? ""] = json(value) }
            return .object(object)
        }
        if let sequence = node.sequence { return .array(sequence.map(json)) }
        return .string(node.scalar?.string ?? "")
    }
}
