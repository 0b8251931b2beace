import ArgumentParser
import Shared

/// `worker status`: stream length, group lag, pending, retries, dead letters, consumers, token age.
struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show the queue of each account (or of one: --account, --appid).")

    @OptionGroup var options: OperatorOptions

    func run() async throws {
        let (redis, accounts) = try options.connectAll()
        defer { redis.close() }
        do {
            for (index, account) in accounts.enumerated() {
                let keys = account.queueKeys
                let status = try await QueueStatus.read(redis: redis, keys: keys)
                if index > 0 { print("") }
                print(account.name == account.appID ? "queue \(keys.prefix)" : "queue \(keys.prefix) (\(account.name), \(account.replyMode.rawValue) replies)")
                print(status.report)
                print(try await ReceiptStatus.read(redis: redis, keys: ReachKeys(queueKeys: keys)).report)
            }
        } catch {
            ProcessEnvironment.printError("worker status: \(error)")
            throw ExitCode(1)
        }
    }
}
