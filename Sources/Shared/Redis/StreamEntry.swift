/// One entry of a Redis stream as `XREADGROUP`, `XRANGE` and `XAUTOCLAIM` return it.
public struct StreamEntry: Sendable, Hashable {
    /// The entry ID, `<milliseconds>-<sequence>`.
    public var id: String
    /// The entry's fields; empty for an entry that was deleted while still pending.
    public var fields: [String: [UInt8]]

    public init(id: String, fields: [String: [UInt8]]) {
        self.id = id
        self.fields = fields
    }

    /// A field's value as UTF-8 text.
    public func text(_ field: String) -> String? {
        fields[field].map { String(decoding: $0, as: UTF8.self) }
    }

    /// Decodes `[id, [field, value, ...]]`.
    public init(_ reply: RESPValue) throws(RedisError) {
        guard let parts = reply.array, parts.count == 2, let id = parts[0].string else {
            throw .unexpectedReply("a stream entry must be [id, fields]")
        }
        var fields: [String: [UInt8]] = [:]
        if let flat = parts[1].array {
            guard flat.count % 2 == 0 else { throw .unexpectedReply("stream entry \(id) has an odd field list") }
            for index in stride(from: 0, to: flat.count, by: 2) {
                guard let name = flat[index].string, let value = flat[index + 1].bytes else {
                    throw .unexpectedReply("stream entry \(id) has a field that is not a string")
                }
                fields[name] = value
            }
        }
        self.init(id: id, fields: fields)
    }

    /// Decodes a list of entries (`XRANGE`, or the middle part of `XAUTOCLAIM`).
    public static func list(_ reply: RESPValue) throws(RedisError) -> [StreamEntry] {
        guard let items = reply.array else { throw .unexpectedReply("expected a list of stream entries") }
        var entries: [StreamEntry] = []
        for item in items { entries.append(try StreamEntry(item)) }
        return entries
    }

    /// Decodes an `XREAD`/`XREADGROUP` reply for one stream: nil (the block window ran out) is no entries.
    public static func fromRead(_ reply: RESPValue) throws(RedisError) -> [StreamEntry] {
        if reply.isNull { return [] }
        guard let streams = reply.array else { throw .unexpectedReply("expected [[stream, entries]...]") }
        var entries: [StreamEntry] = []
        for stream in streams {
            guard let pair = stream.array, pair.count == 2 else { throw .unexpectedReply("expected [stream, entries]") }
            entries += try list(pair[1])
        }
        return entries
    }
}
