import Shared

/// What the relay knows of a user's reply windows when a message is handled: how many customer-service
/// messages may still reach the user and until when. The rules and the webhook (`"reach"` in its body)
/// see it, so they can adapt, e.g. merge several replies into one when only one is left.
///
/// The count is conservative: it never shows more than WeChat would allow (see README, Worker: the
/// 48-hour allowance), and WeChat's own answer (45047, 45015) corrects it.
struct ReachWindow: Sendable, Hashable {
    /// False for a user the relay has recorded nothing about (a send is tried; WeChat decides).
    var isTracked: Bool
    /// Customer-service messages left in the open windows (0 when none is open).
    var left: Int
    /// When the open window that ends last closes (Unix ms); nil when none is open.
    var endsAt: Int64?

    static let untracked = ReachWindow(isTracked: false, left: 0, endsAt: nil)

    /// Reads the `{now, mu, ml, eu, el}` state the scripts answer.
    init(state: ArraySlice<RESPValue>) {
        let values = state.map { $0.string ?? "" }
        guard values.count == 5, let now = Int64(values[0]) else {
            self = .untracked
            return
        }
        isTracked = !values[1].isEmpty || !values[3].isEmpty
        left = 0
        endsAt = nil
        for (untilText, leftText) in [(values[1], values[2]), (values[3], values[4])] {
            guard let until = Int64(untilText), until > now else { continue }
            left += max(0, Int(leftText) ?? 0)
            endsAt = max(endsAt ?? 0, until)
        }
    }

    init(isTracked: Bool, left: Int, endsAt: Int64?) {
        self.isTracked = isTracked
        self.left = left
        self.endsAt = endsAt
    }

    /// The webhook's view: `{"tracked":true,"left":4,"window_end":1764600000000}` (`window_end` null when closed).
    var json: JSONValue {
        .object([
            "tracked": .bool(isTracked), "left": .number(Double(left)),
            "window_end": endsAt.map { .number(Double($0)) } ?? .null,
        ])
    }
}
