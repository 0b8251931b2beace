import Foundation

/// One of the product's executables (`ingress`, `worker`, `wxsim`) run to its end, as an operator would
/// run it: arguments, environment, optional standard input; the exit status and everything it printed.
public struct ExecutableRun: Sendable {
    public var status: Int32
    /// Standard output and standard error, interleaved.
    public var output: String

    /// Runs `RELAY_BIN_DIR/name arguments` on a thread of its own (waiting for a process blocks).
    public static func run(_ name: String, _ arguments: [String], environment: [String: String] = [:], input: String? = nil) async throws -> ExecutableRun {
        try await offThePool { try runBlocking(name, arguments, environment: environment, input: input) }
    }

    private static func runBlocking(_ name: String, _ arguments: [String], environment: [String: String], input: String?) throws -> ExecutableRun {
        let child = Process()
        child.executableURL = try ServiceProcess.executable(name)
        child.arguments = arguments
        child.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let output = Pipe()
        child.standardOutput = output
        child.standardError = output
        let stdin = Pipe()
        child.standardInput = input == nil ? FileHandle.nullDevice : stdin
        try child.run()
        if let input {
            stdin.fileHandleForWriting.write(Data(input.utf8))
            try stdin.fileHandleForWriting.close()
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        child.waitUntilExit()
        return ExecutableRun(status: child.terminationStatus, output: String(decoding: data, as: UTF8.self))
    }
}
