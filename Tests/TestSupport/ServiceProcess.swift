import Foundation
import Synchronization

/// One of the product's own executables (`ingress`, `worker`, `wxsim`) started as a child process, for
/// tests that kill it for real. The binaries come from `RELAY_BIN_DIR`, which `make test` sets to the
/// build folder.
public final class ServiceProcess: Sendable {
    public let name: String
    private let process: Mutex<Process?>
    public let logFile: URL

    public init(_ name: String, arguments: [String] = [], environment: [String: String]) throws {
        let child = Process()
        child.executableURL = try Self.executable(name)
        child.arguments = arguments
        var variables = ProcessInfo.processInfo.environment
        variables.merge(environment) { $1 }
        child.environment = variables
        logFile = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UInt64.random(in: 0...UInt64.max)).log")
        _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        let handle = try FileHandle(forWritingTo: logFile)
        child.standardOutput = handle
        child.standardError = handle
        try child.run()
        self.name = name
        self.process = Mutex(child)
    }

    /// The built executable `name` in `RELAY_BIN_DIR`.
    static func executable(_ name: String) throws -> URL {
        guard let folder = environmentValue("RELAY_BIN_DIR"), !folder.isEmpty else {
            throw TestRedis.Unavailable(description: "RELAY_BIN_DIR is not set: run the tests with `make test`")
        }
        return URL(fileURLWithPath: folder).appendingPathComponent(name)
    }

    deinit {
        process.withLock { child in
            if let child, child.isRunning { kill(child.processIdentifier, SIGKILL) }
        }
    }

    /// Sends `signal` and waits for the process to end; returns its exit status.
    @discardableResult
    public func stop(signal: Int32) -> Int32 {
        guard let child = process.withLock({ $0 }) else { return -1 }
        if child.isRunning { kill(child.processIdentifier, signal) }
        child.waitUntilExit()
        return child.terminationStatus
    }

    /// The child's process id (the worker names its consumer `host-PID-random`).
    public var processIdentifier: Int32 {
        process.withLock { $0?.processIdentifier ?? -1 }
    }

    /// Whether the process is still running (false once it exited or crashed).
    public var isRunning: Bool {
        process.withLock { $0?.isRunning ?? false }
    }

    /// Sends `signal` (e.g. SIGHUP) without waiting.
    public func signal(_ signal: Int32) {
        guard let child = process.withLock({ $0 }), child.isRunning else { return }
        kill(child.processIdentifier, signal)
    }

    /// What the process printed so far.
    public var log: String {
        (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
    }
}
