import Yams

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Reads the YAML files (accounts, rules, menu) into Yams' node tree, so each parser reports problems
/// with a line; a file that cannot be read or is not YAML is a ``Problem`` the parser words as its own.
public enum YAMLFile {
    /// Why a file could not be read as YAML; `line` is 1-based, nil when the problem has none.
    public struct Problem: Error, Sendable {
        public var line: Int?
        public var problem: String
    }

    public static func read(path: String) throws(Problem) -> String {
        do {
            return try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw Problem(line: nil, problem: "cannot be read (\(error))")
        }
    }

    /// The document's root node, nil for an empty document.
    public static func compose(_ text: String) throws(Problem) -> Node? {
        do {
            return try Yams.compose(yaml: text)
        } catch let error as YamlError {
            switch error {
            case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _):
                throw Problem(line: mark.line, problem: "not valid YAML: \(problem)")
            default:
                throw Problem(line: nil, problem: "not valid YAML: \(error)")
            }
        } catch {
            throw Problem(line: nil, problem: "not valid YAML: \(error)")
        }
    }
}
