/// What the ingress hands to the queue: an inbound message's dedup key, its sender and `CreateTime` (which
/// user's queue, and where in it), when it arrived, and its encoded envelope. The same value is what the
/// spool keeps while Redis is down.
public struct QueuedMessage: Sendable, Hashable {
    /// `MsgId`, or FromUserName + CreateTime + Event (+ EventKey): the same for WeChat's retries.
    public var dedupKey: String
    /// When the ingress received it, in milliseconds since 1970.
    public var receivedAtMillis: Int64
    /// The envelope's version; a worker refuses one it does not know.
    public var envelopeVersion: Int
    /// The encoded envelope.
    public var body: [UInt8]
    /// The sender's openid: the user whose queue takes the message.
    public var user: String
    /// WeChat's `CreateTime`: the order key within the user's queue.
    public var createTime: Int64
    /// The account the message is for (nil when the body is not an envelope): the spool's replay queues it
    /// under that account's keys.
    public var appID: String?

    public init(dedupKey: String, receivedAtMillis: Int64, envelopeVersion: Int, body: [UInt8], user: String, createTime: Int64, appID: String? = nil) {
        self.dedupKey = dedupKey
        self.receivedAtMillis = receivedAtMillis
        self.envelopeVersion = envelopeVersion
        self.body = body
        self.user = user
        self.createTime = createTime
        self.appID = appID
    }

    /// A message whose sender and `CreateTime` are read back from its encoded envelope (the spool's
    /// records, tools). An undecodable body goes to the queue of user `""` with order key 0, where a
    /// worker dead-letters it as malformed.
    public init(dedupKey: String, receivedAtMillis: Int64, envelopeVersion: Int, body: [UInt8]) {
        let envelope = try? MessageEnvelope(decoding: body)
        self.init(
            dedupKey: dedupKey, receivedAtMillis: receivedAtMillis, envelopeVersion: envelopeVersion, body: body,
            user: envelope?.message.fromUserName ?? "", createTime: envelope?.message.createTime ?? 0, appID: envelope?.appID)
    }

    /// The message of an envelope, encoded.
    public init(envelope: MessageEnvelope) {
        self.init(
            dedupKey: envelope.dedupKey, receivedAtMillis: envelope.receivedAtMilliseconds, envelopeVersion: MessageEnvelope.currentVersion,
            body: envelope.encoded(), user: envelope.message.fromUserName, createTime: envelope.message.createTime, appID: envelope.appID)
    }

    /// The element its user's queue holds.
    public var record: QueueRecord { QueueRecord(createTime: createTime, envelope: body) }
}

extension QueuedMessage {
    /// A compact binary form for the spool: key length (UInt16 BE), key, received-at (Int64 BE),
    /// version (UInt16 BE), body (the rest). The sender and `CreateTime` are read back from the body.
    public var spoolRecord: [UInt8] {
        let key = Array(dedupKey.utf8.prefix(Int(UInt16.max)))
        var bytes: [UInt8] = []
        bytes.reserveCapacity(12 + key.count + body.count)
        bytes.append(contentsOf: UInt16(key.count).bigEndianBytes)
        bytes.append(contentsOf: key)
        bytes.append(contentsOf: UInt64(bitPattern: receivedAtMillis).bigEndianBytes)
        bytes.append(contentsOf: UInt16(clamping: envelopeVersion).bigEndianBytes)
        bytes.append(contentsOf: body)
        return bytes
    }

    /// Reads ``spoolRecord``; nil when the bytes are not one.
    public init?(spoolRecord bytes: [UInt8]) {
        guard bytes.count >= 2 else { return nil }
        let keyLength = Int(UInt16(bigEndianBytes: bytes[0..<2]))
        guard bytes.count >= 2 + keyLength + 10 else { return nil }
        guard let key = String(validating: bytes[2..<(2 + keyLength)], as: UTF8.self) else { return nil }
        let at = Int64(bitPattern: UInt64(bigEndianBytes: bytes[(2 + keyLength)..<(10 + keyLength)]))
        let version = Int(UInt16(bigEndianBytes: bytes[(10 + keyLength)..<(12 + keyLength)]))
        self.init(dedupKey: key, receivedAtMillis: at, envelopeVersion: version, body: Array(bytes[(12 + keyLength)...]))
    }
}
