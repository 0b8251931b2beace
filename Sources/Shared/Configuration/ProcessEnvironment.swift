import Foundation
import Logging

/// Start-up plumbing both executables share: the environment, logging, and the one-line failure exit.
public enum ProcessEnvironment {
    /// The process's environment variables, with command-line overrides applied on top.
    public static func variables(overriding overrides: [String: String?]) -> [String: String] {
        var variables = ProcessInfo.processInfo.environment
        for (name, value) in overrides {
            if let value { variables[name] = value }
        }
        return variables
    }

    /// Sets up swift-log once: lines on standard error, the level from `LOG_LEVEL` (default `info`).
    public static func bootstrapLogging() {
        let level = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0.lowercased()) } ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }

    /// Prints one line on standard error, for failures before logging matters (a bad configuration).
    public static func printError(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
