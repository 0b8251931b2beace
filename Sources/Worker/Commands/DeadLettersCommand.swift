import ArgumentParser
import Shared

/// `worker dead-letters list|replay|purge`.
struct DeadLettersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dead-letters", abstract: "Inspect, replay or purge the dead letters of one AppID.",
        subcommands: [List.self, Replay.self, Purge.self])

    /// `worker dead-letters list`.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the dead letters, oldest first.")
        @OptionGroup var options: OperatorOptions
        @Option(help: "How many to print.") var count = 100

        func run() async throws {
            let (redis, keys) = try options.connect()
            defer { redis.close() }
            let letters = try await DeadLetters(redis: redis, keys: keys).list(count: count)
            for letter in letters {
                print(
                    "\(letter.id)  reason=\(letter.reason)  errcode=\(letter.errcode.isEmpty ? "-" : letter.errcode)  attempts=\(letter.attempts)  user=\(DedupKey.maskOpenID(letter.user))  key=\(letter.dedupKey)  \(letter.detail)"
                )
            }
            print("\(letters.count) dead letters shown")
        }
    }

    /// `worker dead-letters replay`.
    struct Replay: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Put the dead letters back into their users' queues (replies already sent are not repeated).")
        @OptionGroup var options: OperatorOptions

        func run() async throws {
            let (redis, keys) = try options.connect()
            defer { redis.close() }
            let total = try await DeadLetters(redis: redis, keys: keys).replay { done in print("replayed \(done)…") }
            print("replayed \(total) dead letters into the users' queues of \(keys.prefix)")
        }
    }

    /// `worker dead-letters purge`.
    struct Purge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete every dead letter.")
        @OptionGroup var options: OperatorOptions

        func run() async throws {
            let (redis, keys) = try options.connect()
            defer { redis.close() }
            let count = try await DeadLetters(redis: redis, keys: keys).purge()
            print("purged \(count) dead letters")
        }
    }
}
