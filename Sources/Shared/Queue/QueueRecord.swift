/// One element of a user's queue list: the order key (WeChat's `CreateTime`) and the encoded envelope,
/// as `<CreateTime>\n<envelope JSON>`. The order key is plain text so the enqueue script can place a late
/// message (a spool replay, a WeChat retry) before later ones without parsing JSON.
///
/// This is the one encoding of a queued message in Redis: the user lists, the dead-letter stream's
/// `record` field and `worker dead-letters replay` all carry it.
public struct QueueRecord: Sendable, Hashable {
    /// WeChat's `CreateTime` (seconds): the order of one user's messages.
    public var createTime: Int64
    /// The encoded ``MessageEnvelope``.
    public var envelope: [UInt8]

    public init(createTime: Int64, envelope: [UInt8]) {
        self.createTime = createTime
        self.envelope = envelope
    }

    /// `<CreateTime>\n<envelope>`.
    public var bytes: [UInt8] {
        var bytes = Array(String(createTime).utf8)
        bytes.reserveCapacity(bytes.count + 1 + envelope.count)
        bytes.append(UInt8(ascii: "\n"))
        bytes.append(contentsOf: envelope)
        return bytes
    }

    /// Reads ``bytes``; a record without a readable order key keeps all its bytes as the envelope (so a
    /// worker dead-letters it as malformed instead of losing it) with order key 0.
    public init(bytes: [UInt8]) {
        if let newline = bytes.firstIndex(of: UInt8(ascii: "\n")), newline <= 20,
            let time = Int64(String(decoding: bytes[..<newline], as: UTF8.self))
        {
            self.init(createTime: time, envelope: Array(bytes[(newline + 1)...]))
        } else {
            self.init(createTime: 0, envelope: bytes)
        }
    }
}
