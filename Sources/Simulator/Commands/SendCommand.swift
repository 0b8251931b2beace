import ArgumentParser
import AsyncHTTPClient
import Shared
import WeChatFake

/// `wxsim send`: one user message, built, signed and encrypted like WeChat's, POSTed to the ingress
/// (`--retries N` delivers the same push N times unconditionally). Otherwise it behaves like WeChat: no
/// answer within `--timeout` (5 s) → the same push again, `--deliveries` (3) in all; a passive reply in the
/// answer (decrypted in safe mode) is printed.
struct SendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send",
        abstract: "Push one message to the ingress the way WeChat does.")

    @OptionGroup var account: AccountOptions
    @OptionGroup var message: MessageOptions

    @Option(help: "Deliver the same push this many times (WeChat's retries), 1...10.")
    var retries = 1

    @OptionGroup var delivery: DeliveryOptions

    @OptionGroup var fakeAPI: FakeAPIOptions

    @Option(help: "Seconds to wait for the reply to reach the fake API (0: don't wait).")
    var wait = 0.0

    func validate() throws {
        guard (1...10).contains(retries) else { throw ValidationError("--retries must be 1...10") }
        guard wait >= 0 else { throw ValidationError("--wait cannot be negative") }
        _ = try message.message()
    }

    func run() async throws {
        let pusher = try account.pusher()
        let simulated = try message.message(to: pusher.originalID)
        let request = try pusher.request(for: simulated)
        let watcher = fakeAPI.watcher()
        let position = wait > 0 ? try await reportingFailure { try await watcher.currentPosition() } : 0
        await watcher.tell(simulated)
        var accepted = false
        // A passive reply is the answer: --wait then only looks for more (an answer's rest sent by customer service).
        var answeredPassively = false
        if retries > 1 {
            for delivery in 1...retries {
                let result = try await reportingFailure { try await pusher.send(request, using: .shared) }
                let answer = result.body.isEmpty ? "(empty)" : String(result.body.prefix(200))
                Console.line("→ \(pusher.mode.rawValue) push \(delivery)/\(retries) from \(simulated.from): HTTP \(result.status) \(answer)")
                if let line = DeliveryOptions.passiveLine(result.body, pusher: pusher) {
                    Console.line(line)
                    answeredPassively = true
                }
                accepted = accepted || result.isAccepted
            }
        } else {
            let outcome = try await reportingFailure {
                try await pusher.deliver(request, using: .shared, attempts: delivery.deliveries, timeout: delivery.timeoutDuration)
            }
            guard let result = outcome.result else {
                Console.line("→ \(pusher.mode.rawValue) push from \(simulated.from): no answer within \(delivery.timeout) s, \(outcome.deliveries) deliveries")
                throw ExitCode(1)
            }
            let answer = DeliveryOptions.passiveLine(result.body, pusher: pusher) == nil ? (result.body.isEmpty ? "(empty)" : String(result.body.prefix(200))) : "(passive reply)"
            Console.line("→ \(pusher.mode.rawValue) push from \(simulated.from), delivery \(outcome.deliveries): HTTP \(result.status) \(answer)")
            if let line = DeliveryOptions.passiveLine(result.body, pusher: pusher) {
                Console.line(line)
                answeredPassively = true
            }
            accepted = result.isAccepted
        }
        guard accepted else { throw ExitCode(1) }
        guard wait > 0 else { return }
        try await awaitReply(watcher: watcher, after: position, user: simulated.from, answered: answeredPassively)
    }

    /// Prints the replies to `user` that reach the fake API within `--wait`; fails when none came and the
    /// push was not `answered` passively.
    private func awaitReply(watcher: ReplyWatcher, after start: Int, user: String, answered: Bool) async throws {
        let deadline = ContinuousClock.now + .milliseconds(Int((answered ? min(wait, 2) : wait) * 1000))
        var position = start
        var replied = answered
        while ContinuousClock.now < deadline {
            // Once a reply came, only a short look for more (a rule may answer with several messages).
            let page = try await reportingFailure { try await watcher.replies(after: position, wait: replied ? 0.3 : min(2, wait)) }
            position = page.next
            for reply in page.replies where reply.toUser == user {
                Console.line(ChatLine.reply(reply))
                replied = replied || reply.errcode == 0
            }
            // Stop once one was delivered and nothing more came in the last short poll.
            if replied && page.replies.isEmpty { return }
        }
        if replied { return }
        ProcessEnvironment.printError("wxsim send: no reply for \(user) reached \(fakeAPI.api) within \(wait) s")
        throw ExitCode(1)
    }
}
