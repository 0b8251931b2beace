import Logging
import Shared

/// The redis-server that `make test` starts for the whole run, found through `REDIS_TEST_URL`.
///
/// There is no fallback and no skip: a test that needs Redis fails with a clear message when the variable
/// is missing or the server does not answer.
public enum TestRedis {
    public struct Unavailable: Error, CustomStringConvertible {
        public let description: String
        public init(description: String) { self.description = description }
    }

    /// The shared server's URL.
    public static func url() throws -> RedisURL {
        try RedisURL(parsing: try urlText())
    }

    /// The shared server's URL as given (with any password), for the `REDIS_URL` of a child process.
    public static func urlText() throws -> String {
        guard let text = environmentValue("REDIS_TEST_URL"), !text.isEmpty else {
            throw Unavailable(description: "REDIS_TEST_URL is not set: run the tests with `make test`, which starts a private redis-server")
        }
        return text
    }

    /// A client of the shared server; the test closes it when done (or lets the process end).
    public static func client(_ adjust: (inout RedisClientConfiguration) -> Void = { _ in }) throws -> RedisClient {
        var configuration = RedisClientConfiguration(url: try url())
        adjust(&configuration)
        return RedisClient(configuration: configuration, logger: Logger(label: "test.redis"))
    }

    /// A key or stream name no other test uses, so tests can run in parallel on one server.
    public static func uniqueKey(_ purpose: String) -> String {
        "test:\(purpose):\(UInt64.random(in: 0...UInt64.max))"
    }
}
