import Synchronization

/// The shared tally of a load run: when each message was sent, whether the ingress accepted it, and
/// when its reply arrived. Guarded by a mutex; the senders, the reply collector and the progress line
/// all use it.
final class LoadState: Sendable {
    private struct Tally {
        var sentAt: [Int64?]
        var repliedAt: [Int64?]
        var answerMilliseconds: [Double] = []
        var sent = 0
        var accepted = 0
        var refused = 0
        var failed = 0
        var replied = 0
        var duplicates = 0
        var firstSent: Int64?
        var lastSent: Int64 = 0
        var lastReply: Int64 = 0
        var sendingDone = false
    }

    private let tally: Mutex<Tally>

    init(count: Int) {
        tally = Mutex(Tally(sentAt: Array(repeating: nil, count: count), repliedAt: Array(repeating: nil, count: count)))
    }

    func willSend(_ index: Int, at time: Int64) {
        tally.withLock {
            $0.sentAt[index] = time
            $0.sent += 1
            $0.firstSent = $0.firstSent ?? time
            $0.lastSent = Swift.max($0.lastSent, time)
        }
    }

    /// The ingress's answer: `accepted` when HTTP 200, nil when the POST failed.
    func answered(_ index: Int, accepted: Bool?, milliseconds: Double) {
        tally.withLock {
            switch accepted {
            case true?:
                $0.accepted += 1
                $0.answerMilliseconds.append(milliseconds)
            case false?: $0.refused += 1
            case nil: $0.failed += 1
            }
        }
    }

    func replied(_ index: Int, at time: Int64) {
        tally.withLock {
            guard $0.sentAt.indices.contains(index) else { return }
            if $0.repliedAt[index] != nil {
                $0.duplicates += 1
            } else {
                $0.repliedAt[index] = time
                $0.replied += 1
                $0.lastReply = Swift.max($0.lastReply, time)
            }
        }
    }

    /// Marks that every message was sent and answered by the ingress.
    func finishSending() { tally.withLock { $0.sendingDone = true } }

    var isSendingDone: Bool { tally.withLock { $0.sendingDone } }

    /// (sent, accepted, replied, answered by the ingress) so far.
    var progress: (sent: Int, accepted: Int, replied: Int, settled: Int) {
        tally.withLock { ($0.sent, $0.accepted, $0.replied, $0.accepted + $0.refused + $0.failed) }
    }

    func report(count: Int, users: Int, targetRate: Double, postOnly: Bool) -> LoadReport {
        tally.withLock { tally in
            var endToEnd: [Double] = []
            for index in tally.sentAt.indices {
                if let sent = tally.sentAt[index], let replied = tally.repliedAt[index] { endToEnd.append(Double(replied - sent)) }
            }
            let first = tally.firstSent ?? 0
            let sendSpan = Double(tally.lastSent - first) / 1000
            let replySpan = Double(tally.lastReply - first) / 1000
            return LoadReport(
                count: count, users: users, targetRate: targetRate,
                achievedRate: sendSpan > 0 ? Double(tally.sent) / sendSpan : Double(tally.sent),
                accepted: tally.accepted, refused: tally.refused, failed: tally.failed, replied: tally.replied,
                duplicates: tally.duplicates, missing: postOnly ? 0 : tally.accepted - tally.replied, postOnly: postOnly,
                repliesPerSecond: replySpan > 0 ? Double(tally.replied) / replySpan : 0,
                ingressAnswer: LatencySummary(tally.answerMilliseconds), endToEnd: LatencySummary(endToEnd))
        }
    }
}
