import Foundation
import Logging
import Shared
import Synchronization

/// A private `redis-server` child process on a free loopback port, for tests that must break the server
/// (kill it, restart it, require a password, make it sleep) without disturbing the shared one.
public final class RedisServerProcess: Sendable {
    public let port: Int
    public let directory: URL
    private let extraArguments: [String]
    private let process = Mutex<Process?>(nil)

    /// Starts a server; `extraArguments` are redis-server options such as `["--requirepass", "s3cret"]`.
    public init(extraArguments: [String] = []) async throws {
        self.port = try Loopback.freePort()
        self.directory = FileManager.default.temporaryDirectory.appendingPathComponent("relay-redis-\(UInt32.random(in: 0...UInt32.max))")
        self.extraArguments = extraArguments
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try await start()
    }

    deinit {
        // Never leave a server behind: kill it outright and reap it.
        process.withLock { child in
            guard let child else { return }
            kill(child.processIdentifier, SIGKILL)
            child.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: directory)
    }

    /// The URL of this server, with credentials if given.
    public func url(user: String? = nil, password: String? = nil, database: Int = 0) -> RedisURL {
        RedisURL(host: "127.0.0.1", port: port, user: user, password: password, database: database)
    }

    /// Starts (or restarts) the server on the same port and data directory and waits until it answers.
    public func start() async throws {
        let executable = try Self.redisServerExecutable()
        let arguments =
            [
                "--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                "--dir", directory.path, "--logfile", directory.appendingPathComponent("redis.log").path,
            ] + extraArguments
        try await offThePool { try self.launch(executable, arguments: arguments) }
        try await waitUntilListening()
    }

    /// Starts the child from a thread with no signal blocked. A child inherits the signal mask of the
    /// thread that spawns it, Swift concurrency's (dispatch) threads block SIGTERM and most others, and
    /// redis-server never unblocks them: started from async code it would ignore `stop(signal: SIGTERM)`.
    private func launch(_ executable: URL, arguments: [String]) throws {
        var unblocked = sigset_t()
        sigemptyset(&unblocked)
        pthread_sigmask(SIG_SETMASK, &unblocked, nil)
        let child = Process()
        child.executableURL = executable
        child.arguments = arguments
        child.standardOutput = FileHandle.nullDevice
        child.standardError = FileHandle.nullDevice
        try child.run()
        process.withLock { $0 = child }
    }

    /// Stops the server: SIGKILL models a crash, SIGTERM a clean shutdown. Waits until it has exited.
    public func stop(signal: Int32 = SIGKILL) {
        guard
            let child = process.withLock({ current -> Process? in
                defer { current = nil }
                return current
            })
        else { return }
        kill(child.processIdentifier, signal)
        child.waitUntilExit()
    }

    /// Sends `signal` without waiting: SIGSTOP freezes the server (a stall: connections stay open, nothing
    /// answers), SIGCONT thaws it.
    public func signal(_ signal: Int32) {
        guard let child = process.withLock({ $0 }) else { return }
        kill(child.processIdentifier, signal)
    }

    private func waitUntilListening() async throws {
        for _ in 0..<100 {
            if Self.canConnect(port: port) { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw TestRedis.Unavailable(description: "redis-server on port \(port) did not start; see \(directory.path)/redis.log")
    }

    private static func redisServerExecutable() throws -> URL {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for folder in path.split(separator: ":").map(String.init) + ["/usr/bin", "/usr/local/bin"] {
            let candidate = URL(fileURLWithPath: folder).appendingPathComponent("redis-server")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        throw TestRedis.Unavailable(description: "redis-server is not installed: run `make test`, which installs it")
    }

    private static func canConnect(port: Int) -> Bool {
        guard let descriptor = Loopback.connect(port: port) else { return false }
        close(descriptor)
        return true
    }
}
