import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore
import Shared
import WeChatFake

/// `wxsim load`: drives the ingress like many WeChat users at once and measures, end to end, the time
/// from each POST to the matching customer-service call at the fake API, and replies per second.
/// Needs the workers replying to `wxsim api` with the built-in echo rules (each text is unique).
struct LoadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load",
        abstract: "End-to-end load: POSTs to the ingress, replies timed at the fake API.")

    @OptionGroup var account: AccountOptions

    @Option(help: "Messages per second (0: as fast as --concurrency allows).")
    var rate = 100.0

    @Option(help: "Messages to send.")
    var count = 1000

    @Option(help: "Distinct users sending them.")
    var users = 100

    @Option(help: "Most POSTs in flight at once.")
    var concurrency = 64

    @OptionGroup var fakeAPI: FakeAPIOptions

    @Option(help: "Seconds to wait for the last replies after the last POST.")
    var drain = 30.0

    @Flag(name: .customLong("post-only"), help: "Only POST and time the answers; don't wait for replies (a baseline against any HTTP server).")
    var postOnly = false

    @Option(help: "Also write the report as JSON to this file.")
    var json: String?

    func validate() throws {
        guard rate >= 0, count > 0, users > 0, concurrency > 0, drain >= 0 else {
            throw ValidationError("--rate, --drain ≥ 0; --count, --users, --concurrency > 0")
        }
    }

    func run() async throws {
        let pusher = try account.pusher()
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: concurrency)
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let report: LoadReport
        do {
            report = try await drive(pusher: pusher, client: client)
            try? await client.shutdown()
        } catch {
            try? await client.shutdown()
            throw error
        }
        print(report.text)
        if let json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(report).write(to: URL(fileURLWithPath: json))
        }
        if report.accepted < count || (!postOnly && (report.missing > 0 || report.duplicates > 0)) { throw ExitCode(1) }
    }

    private func drive(pusher: WeChatPusher, client: HTTPClient) async throws -> LoadReport {
        let watcher = fakeAPI.watcher(client: client)
        let start = postOnly ? 0 : try await reportingFailure { try await watcher.currentPosition() }
        let run = String(UInt32.random(in: 0...UInt32.max), radix: 36)
        let prefix = "load-\(run)-"
        let state = LoadState(count: count)
        let collector = postOnly ? nil : Task { await collect(watcher: watcher, from: start, prefix: prefix, state: state) }
        let progress = Task { await showProgress(state) }
        await send(prefix: prefix, pusher: pusher, client: client, state: state)
        state.finishSending()
        await collector?.value
        progress.cancel()
        Console.endProgress()
        return state.report(count: count, users: users, targetRate: rate, postOnly: postOnly)
    }

    /// Sends every message at its scheduled time (open loop at `rate`), at most `concurrency` at once.
    private func send(prefix: String, pusher: WeChatPusher, client: HTTPClient, state: LoadState) async {
        let begin = ContinuousClock.now
        let rate = self.rate
        await withTaskGroup(of: Void.self) { group in
            var running = 0
            for index in 0..<count {
                if rate > 0 { try? await Task.sleep(until: begin + .nanoseconds(Int64(Double(index) / rate * 1e9))) }
                if running >= concurrency {
                    await group.next()
                    running -= 1
                }
                let message = pusher.message(from: "o_load_\(index % users)", kind: .text(prefix + String(index)))
                running += 1
                group.addTask {
                    let started = ContinuousClock.now
                    state.willSend(index, at: WallClock.milliseconds())
                    let result = try? await pusher.push(message, using: client)
                    let elapsed = ContinuousClock.now - started
                    let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
                    state.answered(index, accepted: result.map(\.isAccepted), milliseconds: milliseconds)
                }
            }
        }
    }

    /// Follows the fake API's replies and matches each to its message by its unique text, until every
    /// accepted message is replied or `drain` seconds pass after the last POST.
    private func collect(watcher: ReplyWatcher, from start: Int, prefix: String, state: LoadState) async {
        var position = start
        var deadline: ContinuousClock.Instant?
        while true {
            let done = state.isSendingDone
            let progress = state.progress
            if done {
                if progress.replied >= progress.accepted { return }
                deadline = deadline ?? .now + .milliseconds(Int(drain * 1000))
                if let deadline, ContinuousClock.now >= deadline { return }
            }
            guard let page = try? await watcher.replies(after: position, wait: 1) else {
                try? await Task.sleep(for: .milliseconds(200))
                continue
            }
            position = page.next
            for reply in page.replies where reply.errcode == 0 {
                guard case .text(let text)? = reply.message?.content, text.hasPrefix(prefix), let index = Int(text.dropFirst(prefix.count)) else { continue }
                state.replied(index, at: reply.receivedAt)
            }
        }
    }

    /// A progress line on standard error every second.
    private func showProgress(_ state: LoadState) async {
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(1))
            let progress = state.progress
            let line = "load: sent \(progress.sent)/\(count), accepted \(progress.accepted), replied \(progress.replied)"
            Console.progress(line)
        }
    }
}
