/// A configuration value that is missing or unusable; its description is the one line a service prints
/// before it exits, naming the variable and never echoing a secret.
public struct ConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The environment variable (or flag) at fault.
    public var variable: String
    public var problem: String

    public init(variable: String, problem: String) {
        self.variable = variable
        self.problem = problem
    }

    public static func missing(_ variable: String) -> ConfigurationError {
        ConfigurationError(variable: variable, problem: "is required but not set")
    }

    public var description: String { "configuration error: \(variable) \(problem)" }
}
