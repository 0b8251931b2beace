#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The document the ingress writes into the Redis stream and the worker reads: one accepted push.
///
/// Wire form (version 1), compact JSON with short keys:
/// ```json
/// {"v":1,"app":"wx…","at":1714036504123,"key":"m:6054768590064713728:oyOR…:1409735668","n":0,
///  "msg":{"f":[["ToUserName","gh_…"],["FromUserName","oyOR…"],["CreateTime","1409735668"],
///              ["MsgType","text"],["Content","hi"],["MsgId","6054768590064713728"],
///              ["SendPicsInfo",[["Count","1"],["PicList",[["item",[["PicMd5Sum","…"]]]]]]]]}}
/// ```
/// - `v`: envelope version. Readers refuse any other with ``MessageEnvelopeError/unsupportedVersion(_:)``
///   (dead-letter reason `unsupported-version`). Change it only for a change old workers cannot read.
/// - `app`: the AppID the push was for. `at`: when the ingress accepted it, Unix **milliseconds**.
/// - `key`: the ``DedupKey``. `n`: delivery attempt, 0 when first queued (a worker re-queuing a retry
///   writes `n + 1`).
/// - `r` (optional): the ``ReplyPath`` when not `async` (`"passive"`, `"hybrid"`, `"deferred"`); absent in
///   envelopes written before issue 16, which are `async`.
/// - `tp`, `ts` (optional): the W3C `traceparent` and `tracestate` of the ingress's push span
///   (``TraceParent``), only while traces are exported (issue 17); absent otherwise, and in older envelopes.
/// - `msg`: the decrypted push, every field as it arrived (see ``XMLField`` for `[name, value]` /
///   `[name, [children]]`).
public struct MessageEnvelope: Sendable, Hashable {
    /// The version this build writes and reads.
    public static let currentVersion = 1

    public var appID: String
    public var receivedAtMilliseconds: Int64
    public var dedupKey: String
    public var attempt: Int
    public var message: InboundMessage
    /// How the worker delivers the replies (passive replies, issue 16).
    public var replyPath: ReplyPath
    /// The push span's trace context, for the worker's spans; nil when traces are off.
    public var trace: TraceParent?

    public init(
        appID: String, receivedAtMilliseconds: Int64, message: InboundMessage, dedupKey: String? = nil, attempt: Int = 0, replyPath: ReplyPath = .async,
        trace: TraceParent? = nil
    ) {
        self.replyPath = replyPath
        self.trace = trace
        self.appID = appID
        self.receivedAtMilliseconds = receivedAtMilliseconds
        self.dedupKey = dedupKey ?? message.dedupKey.rawValue
        self.attempt = attempt
        self.message = message
    }

    /// The envelope as UTF-8 JSON, ready for the stream (written by ``EnvelopeJSONWriter``, which is
    /// several times faster than `JSONEncoder` on the ingress's hot path; decoding stays `Codable`).
    public func encoded() -> [UInt8] {
        var writer = EnvelopeJSONWriter()
        writer.write(self)
        return writer.bytes
    }

    /// Reads an envelope, checking the version before anything else.
    public init(decoding bytes: [UInt8]) throws(MessageEnvelopeError) {
        let data = Data(bytes)
        let decoder = JSONDecoder()
        let version: Int
        do {
            version = try decoder.decode(VersionProbe.self, from: data).v
        } catch {
            throw .malformed("no version: \(Self.summary(error))")
        }
        guard version == Self.currentVersion else { throw .unsupportedVersion(version) }
        do {
            self = try decoder.decode(Wire.self, from: data).envelope
        } catch {
            throw .malformed(Self.summary(error))
        }
    }

    private struct VersionProbe: Decodable {
        var v: Int
    }

    /// Version 1 on the wire, as read (``EnvelopeJSONWriter`` writes it).
    private struct Wire: Decodable {
        var v: Int
        var app: String
        var at: Int64
        var key: String
        var n: Int
        var r: String?
        var tp: String?
        var ts: String?
        var msg: InboundMessage

        var envelope: MessageEnvelope {
            MessageEnvelope(
                appID: app, receivedAtMilliseconds: at, message: msg, dedupKey: key, attempt: n, replyPath: r.flatMap(ReplyPath.init(rawValue:)) ?? .async,
                trace: tp.map { TraceParent(traceparent: $0, tracestate: ts) })
        }
    }

    private static func summary(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): return "missing \(key.stringValue)"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context),
            DecodingError.dataCorrupted(let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return path.isEmpty ? context.debugDescription : "\(path): \(context.debugDescription)"
        default: return String(describing: error)
        }
    }
}
