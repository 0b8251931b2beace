/// Reads typed values out of environment variables, throwing a ``ConfigurationError`` that names the
/// variable for anything missing or malformed. Blank values count as unset.
public struct EnvironmentReader: Sendable {
    public let variables: [String: String]

    public init(_ variables: [String: String]) { self.variables = variables }

    /// The trimmed value, or nil when unset or blank.
    public func string(_ name: String) -> String? {
        guard let text = variables[name]?.trimmingWhitespace else { return nil }
        return text.isEmpty ? nil : text
    }

    public func required(_ name: String) throws(ConfigurationError) -> String {
        guard let value = string(name) else { throw .missing(name) }
        return value
    }

    public func integer(_ name: String, default fallback: Int, in range: ClosedRange<Int>) throws(ConfigurationError) -> Int {
        guard let text = string(name) else { return fallback }
        guard let number = Int(text), range.contains(number) else {
            throw ConfigurationError(variable: name, problem: "must be a whole number from \(range.lowerBound) to \(range.upperBound), got '\(text)'")
        }
        return number
    }

    /// `true`/`1`/`yes`/`on` or `false`/`0`/`no`/`off` (any case); anything else is an error.
    public func boolean(_ name: String, default fallback: Bool) throws(ConfigurationError) -> Bool {
        switch string(name)?.lowercased() {
        case nil: return fallback
        case "true", "1", "yes", "on": return true
        case "false", "0", "no", "off": return false
        case let other?: throw ConfigurationError(variable: name, problem: "must be true or false, got '\(other)'")
        }
    }

    /// A comma-separated list; blank items are dropped.
    public func list(_ name: String) -> [String] {
        (string(name) ?? "").split(separator: ",").map(\.trimmingWhitespace).filter { !$0.isEmpty }
    }
}
