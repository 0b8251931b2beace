import Yams

/// A rules file that cannot be used: which file, which line, what is wrong.
struct RulesParseError: Error, Sendable, Hashable, CustomStringConvertible {
    var file: String
    /// 1-based; nil when the problem is not tied to a line (the file cannot be read).
    var line: Int?
    var problem: String

    init(file: String, line: Int?, problem: String) {
        self.file = file
        self.line = line
        self.problem = problem
    }

    /// A problem at `node`'s line (none when there is no node).
    init(file: String, at node: Node?, _ problem: String) {
        self.init(file: file, line: node?.mark?.line, problem: problem)
    }

    var description: String {
        if let line { return "rules file \(file), line \(line): \(problem)" }
        return "rules file \(file): \(problem)"
    }
}
