/// Writes a ``MessageEnvelope`` as its version-1 JSON straight into bytes.
///
/// `JSONEncoder` took 11 % of the ingress's CPU under load (perf, `make bench-ingress`): it boxes every
/// value of the nested field list. The envelope holds only strings, integers and arrays, so this writer
/// emits the same document (same keys and shapes, read back by the `Codable` path with `JSONDecoder`)
/// in one pass. Strings are escaped as RFC 8259 requires: quote, backslash and control characters;
/// everything else, non-ASCII included, is copied as UTF-8.
struct EnvelopeJSONWriter {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 512) { bytes.reserveCapacity(capacity) }

    mutating func write(_ envelope: MessageEnvelope) {
        raw("{\"v\":")
        integer(Int64(MessageEnvelope.currentVersion))
        raw(",\"app\":")
        string(envelope.appID)
        raw(",\"at\":")
        integer(envelope.receivedAtMilliseconds)
        raw(",\"key\":")
        string(envelope.dedupKey)
        raw(",\"n\":")
        integer(Int64(envelope.attempt))
        if envelope.replyPath != .async {
            raw(",\"r\":")
            string(envelope.replyPath.rawValue)
        }
        if let trace = envelope.trace {
            raw(",\"tp\":")
            string(trace.traceparent)
            if let state = trace.tracestate {
                raw(",\"ts\":")
                string(state)
            }
        }
        raw(",\"msg\":{\"f\":")
        fields(envelope.message.fields)
        raw("}}")
    }

    /// `[name, value]` for a leaf, `[name, [children]]` for a container, `[name, value, [children]]` for both.
    private mutating func fields(_ list: [XMLField]) {
        bytes.append(UInt8(ascii: "["))
        for (index, field) in list.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes.append(UInt8(ascii: "["))
            string(field.name)
            if field.children.isEmpty {
                bytes.append(UInt8(ascii: ","))
                string(field.value)
            } else {
                if !field.value.isEmpty {
                    bytes.append(UInt8(ascii: ","))
                    string(field.value)
                }
                bytes.append(UInt8(ascii: ","))
                fields(field.children)
            }
            bytes.append(UInt8(ascii: "]"))
        }
        bytes.append(UInt8(ascii: "]"))
    }

    private mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    private mutating func integer(_ value: Int64) {
        bytes.append(contentsOf: String(value).utf8)  // a small string: no allocation
    }

    private mutating func string(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { utf8 in
            // Runs that need no escape are copied whole.
            var runStart = 0
            for (index, byte) in utf8.enumerated() where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
                runStart = index + 1
                switch byte {
                case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
                case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
                case UInt8(ascii: "\n"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
                case UInt8(ascii: "\r"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
                case UInt8(ascii: "\t"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
                default:
                    bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0")])
                    bytes.append(WeChatSignature.hexDigit(byte >> 4))
                    bytes.append(WeChatSignature.hexDigit(byte & 0x0F))
                }
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...]))
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
