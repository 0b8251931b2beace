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
        var payloads: [[UInt8]] = []
        var position = offset
        while payloads.count < limit {
            let remaining = bytes.count - position
            if remaining == 0 { return Chunk(payloads: payloads, nextOffset: position, ending: .clean) }
            guard remaining >= headerSize else {
                return Chunk(payloads: payloads, nextOffset: position, ending: .tornTail(bytes: remaining))
            }
            let length = Int(UInt32(bigEndianBytes: bytes[(position + 4)..<(position + 8)]))
            let validHeader = Array(bytes[position..<(position + 4)]) == magic && length <= maximumPayload
            let end = position + headerSize + length
            guard validHeader else {
                return Chunk(payloads: payloads, nextOffset: position, ending: .corrupt(offset: position))
            }
            guard end <= bytes.count else {
                return Chunk(payloads: payloads, nextOffset: position, ending: .tornTail(bytes: remaining))
            }
            let payload = Array(bytes[(position + headerSize)..<end])
            guard Array(bytes[(position + 8)..<(position + 16)]) == checksum(payload) else {
                let ending: Ending = end == bytes.count ? .tornTail(bytes: remaining) : .corrupt(offset: position)
                return Chunk(payloads: payloads, nextOffset: position, ending: ending)
            }
            payloads.append(payload)
            position = end
        }
        return Chunk(payloads: payloads, nextOffset: position, ending: position == bytes.count ? .clean : nil)
    }
}
