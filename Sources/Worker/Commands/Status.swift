import ArgumentParser
import Shared

/// `worker status`: stream length, group lag, pending, retries, dead letters, consumers, token age.
struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show the queue of one AppID.")

    @OptionGroup var options: OperatorOptions

    func run() async throws {
        let (redis, keys) = try options.connect()
        defer { redis.close() }
        do {
            let status = try await QueueStatus.read(redis: redis, keys: keys)
            print("queue \(keys.prefix)")
            print(status.report)
            print(try await ReceiptStatus.read(redis: redis, keys: ReachKeys(queueKeys: keys)).report)
        } catch {
            ProcessEnvironment.printError("worker status: \(error)")
            throw ExitCode(1)
        }
    }
}
