import Shared

/// What a handler knows of reaching the user when it answers a message: the reply window
/// (``ReachWindow``) and, for a `TEMPLATESENDJOBFINISH` receipt, the message the template replied to.
struct ReachContext: Sendable, Hashable {
    /// A template receipt linked to the reply it carried.
    struct Receipt: Sendable, Hashable {
        var msgID: String
        var status: String
        /// The originating message's dedup key and reply index; nil when the template was not sent by
        /// this relay (or more than a week ago).
        var origin: (dedupKey: String, index: Int)? {
            get { originKey.map { ($0, originIndex) } }
            set {
                originKey = newValue?.dedupKey
                originIndex = newValue?.index ?? 0
            }
        }
        private var originKey: String?
        private var originIndex = 0

        init(msgID: String, status: String, origin: (dedupKey: String, index: Int)?) {
            self.msgID = msgID
            self.status = status
            self.origin = origin
        }

        /// `{"msgid","status","dedup_key","reply_index"}` for the webhook (`dedup_key` null when not ours).
        var json: JSONValue {
            .object([
                "msgid": .string(msgID), "status": .string(status),
                "dedup_key": origin.map { .string($0.dedupKey) } ?? .null,
                "reply_index": origin.map { .number(Double($0.index)) } ?? .null,
            ])
        }
    }

    var window: ReachWindow
    var receipt: Receipt?

    static let untracked = ReachContext(window: .untracked, receipt: nil)
}
