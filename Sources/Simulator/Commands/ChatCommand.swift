import ArgumentParser
import AsyncHTTPClient
import Shared
import WeChatFake

/// `wxsim chat`: an interactive chat as one WeChat user. Each line typed is pushed to the ingress;
/// each reply that reaches the fake API (`wxsim api`) prints back, and so does a passive reply in the
/// ingress's answer (decrypted in safe mode). Pushes are delivered like WeChat: again after `--timeout`
/// seconds without an answer, `--deliveries` in all. Ctrl-D ends.
struct ChatCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chat",
        abstract: "Chat with the account as one user (needs `wxsim api` as the workers' API).",
        discussion: """
            A line is sent as a text message, except: /image MEDIA_ID, /voice MEDIA_ID, \
            /location LAT,LON, /event NAME [KEY] (e.g. /event CLICK menu_1), /click KEY (a menu button), \
            /scan SCENE (a QR code with this scene value, as a follower: SCAN).
            """)

    @OptionGroup var account: AccountOptions

    @Option(help: "The user's OpenID.")
    var from = "o_wxsim_chat"

    @OptionGroup var fakeAPI: FakeAPIOptions

    @OptionGroup var delivery: DeliveryOptions

    @Flag(name: .customLong("no-subscribe"), help: "Don't start with a subscribe event.")
    var noSubscribe = false

    func run() async throws {
        let pusher = try account.pusher()
        let watcher = fakeAPI.watcher()
        let start = try await reportingFailure { try await watcher.currentPosition() }
        let user = from
        let tally = ChatTally()
        Console.line("wxsim chat: you are \(user), writing to \(pusher.endpoint) (\(pusher.mode.rawValue) mode); replies come from \(fakeAPI.api).")
        Console.line("Type a message and press Enter; Ctrl-D quits. Also: \(Self.slashCommands).")
        let follower = Task {
            var position = start
            while !Task.isCancelled {
                guard let page = try? await watcher.replies(after: position, wait: 20) else {
                    try? await Task.sleep(for: .seconds(1))
                    continue
                }
                position = page.next
                for reply in page.replies where reply.toUser == user {
                    tally.replied()
                    Console.line(reply.errcode == 0 ? "bot: \(reply.message.map { ChatLine.describe($0.content) } ?? "")" : ChatLine.reply(reply))
                }
            }
        }
        if !noSubscribe, await push(.event("subscribe", key: nil), pusher: pusher, watcher: watcher) == .awaitingReply { tally.pushed() }
        for await line in StandardInputLines.start() {
            let trimmed = line.trimmingPrefix(" ")
            guard !trimmed.isEmpty else { continue }
            guard let kind = Self.kind(of: String(trimmed)) else {
                Console.line("(not understood: \(Self.slashCommands))")
                continue
            }
            if await push(kind, pusher: pusher, watcher: watcher) == .awaitingReply { tally.pushed() }
        }
        // Ctrl-D: let replies still on their way arrive (a message with no rule gets none: 5 s at most).
        let deadline = ContinuousClock.now + .seconds(5)
        while tally.outstanding > 0, ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(100)) }
        follower.cancel()
        Console.line("wxsim chat: bye")
    }

    /// What became of a push: refused or unanswered, answered passively, or accepted with the reply to come.
    enum Pushed { case failed, answered, awaitingReply }

    /// Pushes one message (telling the fake API first, so it opens the reply window).
    private func push(_ kind: SimulatedMessage.Kind, pusher: WeChatPusher, watcher: ReplyWatcher) async -> Pushed {
        let message = pusher.message(from: from, kind: kind)
        await watcher.tell(message)
        do {
            let outcome = try await pusher.deliver(try pusher.request(for: message), using: .shared, attempts: delivery.deliveries, timeout: delivery.timeoutDuration)
            guard let result = outcome.result else {
                Console.line("✗ no answer within \(delivery.timeout) s, \(outcome.deliveries) deliveries (WeChat shows: 该公众号暂时无法提供服务，请稍后再试)")
                return .failed
            }
            guard result.isAccepted else {
                Console.line("✗ the ingress answered HTTP \(result.status): \(result.body.prefix(200))")
                return .failed
            }
            guard let line = DeliveryOptions.passiveLine(result.body, pusher: pusher) else { return .awaitingReply }
            Console.line(line)
            return .answered
        } catch {
            Console.line("✗ cannot reach \(pusher.endpoint): \(error)")
            return .failed
        }
    }

    /// The lines that are not sent as text.
    static let slashCommands = "/image ID, /voice ID, /location LAT,LON, /event NAME [KEY], /click KEY, /scan SCENE"

    /// A typed line as a message: text, or one of the slash commands.
    static func kind(of line: String) -> SimulatedMessage.Kind? {
        guard line.hasPrefix("/") else { return .text(line) }
        let words = line.split(separator: " ", maxSplits: 2).map(String.init)
        switch (words[0], words.count) {
        case ("/image", 2...): return .image(mediaID: words[1])
        case ("/voice", 2...): return .voice(mediaID: words[1], recognition: words.count > 2 ? words[2] : nil)
        case ("/event", 2...): return .event(words[1], key: words.count > 2 ? words[2] : nil)
        case ("/click", 2...): return .event("CLICK", key: words[1])
        case ("/scan", 2...): return .scan(event: "SCAN", scene: words[1])
        case ("/location", 2...):
            return LocationText.kind(words[1], label: words.count > 2 ? words[2] : "")
        default: return .text(line)
        }
    }
}
