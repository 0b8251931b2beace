/// A rules file that cannot be used: which file, which line, what is wrong.
struct RulesParseError: Error, Sendable, Hashable, CustomStringConvertible {
    var file: String
    /// 1-based; nil when the problem is not tied to a line (the file cannot be read).
    var line: Int?
    var problem: String

    var description: String {
        if let line { return "rules file \(file), line \(line): \(problem)" }
        return "rules file \(file): \(problem)"
    }
}
