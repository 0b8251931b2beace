/// A `menu.yaml` that cannot be read: which file, which line, what is wrong.
struct MenuFileError: Error, Sendable, Hashable, CustomStringConvertible {
    var file: String
    /// 1-based; nil when the problem is not tied to a line (the file cannot be read).
    var line: Int?
    var problem: String

    var description: String {
        if let line { return "menu file \(file), line \(line): \(problem)" }
        return "menu file \(file): \(problem)"
    }
}
