import ArgumentParser
import Shared
import WeChatFake

/// How the simulated WeChat delivers a push: when the account does not answer within `--timeout`
/// seconds it drops the connection and delivers the same push again, `--deliveries` times in all; and
/// how a passive reply in the answer is printed.
struct DeliveryOptions: ParsableArguments {
    @Option(help: "Deliveries of one push when the account does not answer in time (WeChat: 3), 1...10.")
    var deliveries = 3

    @Option(help: "Seconds WeChat waits for an answer before it delivers again (WeChat: 5).")
    var timeout = 5.0

    func validate() throws {
        guard (1...10).contains(deliveries) else { throw ValidationError("--deliveries must be 1...10") }
        guard timeout > 0, timeout <= 60 else { throw ValidationError("--timeout must be in (0, 60] seconds") }
    }

    var timeoutDuration: Duration { .milliseconds(Int64(timeout * 1000)) }

    /// The line for the passive reply in an answer's body, nil for `success` or an empty body.
    static func passiveLine(_ body: String, pusher: WeChatPusher) -> String? {
        do {
            guard let reply = try pusher.passiveReply(in: body) else { return nil }
            let shown = reply.text ?? "(\(reply.msgType)) \(reply.xml.prefix(200))"
            return "bot (passive\(reply.wasEncrypted ? ", encrypted" : "")): \(shown)"
        } catch {
            return "✗ the answer is not a valid passive reply: \(error)"
        }
    }
}
