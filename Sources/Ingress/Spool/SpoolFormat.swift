import Crypto
import Shared

/// The spool's on-disk record framing, and the reader that finds where a file stops being trustworthy.
///
/// A record is `"WXS1"`, the payload length (UInt32 big-endian), the first 8 bytes of the payload's
/// SHA-256, then the payload. A crash mid-write leaves a *torn tail*: a last record that is short or whose
/// checksum fails; the reader stops before it and everything before it is good. A bad record followed by
/// more data is *corruption* (not something a crash produces), reported as such.
enum SpoolFormat {
    static let magic: [UInt8] = Array("WXS1".utf8)
    static let headerSize = 16
    static let maximumPayload = 16 * 1024 * 1024

    static func frame(_ payload: [UInt8]) -> [UInt8] {
        var record = magic
        record.reserveCapacity(headerSize + payload.count)
        record.append(contentsOf: UInt32(payload.count).bigEndianBytes)
        record.append(contentsOf: checksum(payload))
        record.append(contentsOf: payload)
        return record
    }

    static func checksum(_ payload: some Sequence<UInt8>) -> [UInt8] {
        Array(SHA256.hash(data: Array(payload)).prefix(8))
    }

    /// How a read of a spool file ended.
    enum Ending: Equatable {
        /// The end of the file, after a whole record (or an empty file).
        case clean
        /// A partial or unverifiable last record of this many bytes, to be skipped.
        case tornTail(bytes: Int)
        /// A bad record at this offset with more data after it.
        case corrupt(offset: Int)
    }

    struct Chunk {
        var payloads: [[UInt8]]
        /// The offset just past the last good record returned.
        var nextOffset: Int
        /// Set when the reader reached the end of the good data.
        var ending: Ending?
    }

    /// Reads up to `limit` records of `bytes` from `offset`.
    static func read(_ bytes: [UInt8], from offset: Int, limit: Int) -> Chunk {
        read(size: bytes.count, from: offset, limit: limit, byteBudget: .max) { position, count in
            Array(bytes[position..<(position + count)])
        }
    }

    /// Reads records of a file of `size` bytes from `offset`, until `limit` records or until the payloads
    /// read reach `byteBudget` (at least one record is read). `readBytes(position, count)` returns those
    /// bytes of the file, or nil when they cannot be read. Only one record is held beyond the chunk.
    static func read(size: Int, from offset: Int, limit: Int, byteBudget: Int, readBytes: (Int, Int) -> [UInt8]?) -> Chunk {
        var payloads: [[UInt8]] = []
        var position = offset
        var budget = byteBudget
        while payloads.count < limit && budget > 0 {
            let remaining = size - position
            if remaining == 0 { return Chunk(payloads: payloads, nextOffset: position, ending: .clean) }
            guard remaining >= headerSize, let header = readBytes(position, headerSize) else {
                return Chunk(payloads: payloads, nextOffset: position, ending: .tornTail(bytes: remaining))
            }
            let length = Int(UInt32(bigEndianBytes: header[4..<8]))
            guard Array(header[0..<4]) == magic && length <= maximumPayload else {
                return Chunk(payloads: payloads, nextOffset: position, ending: .corrupt(offset: position))
            }
            let end = position + headerSize + length
            guard end <= size, let payload = readBytes(position + headerSize, length) else {
                return Chunk(payloads: payloads, nextOffset: position, ending: .tornTail(bytes: remaining))
            }
            guard Array(header[8..<16]) == checksum(payload) else {
                let ending: Ending = end == size ? .tornTail(bytes: remaining) : .corrupt(offset: position)
                return Chunk(payloads: payloads, nextOffset: position, ending: ending)
            }
            payloads.append(payload)
            budget -= max(1, length)
            position = end
        }
        return Chunk(payloads: payloads, nextOffset: position, ending: position == size ? .clean : nil)
    }
}
