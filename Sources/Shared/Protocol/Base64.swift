/// Standard base64 (RFC 4648 alphabet, `=` padding), used for `Encrypt` texts and EncodingAESKeys.
///
/// Written out rather than taken from Foundation so that decoding has no Foundation types in its path,
/// accepts exactly what WeChat and the SDKs produce, and fails with a plain `nil` on anything else.
/// Decoding ignores non-zero trailing bits, as Python's and Java's decoders do: an EncodingAESKey's
/// 43rd character carries two such bits.
enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    private static let decodeTable: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, symbol) in alphabet.enumerated() { table[Int(symbol)] = UInt8(index) }
        return table
    }()

    static func encode(_ bytes: some Collection<UInt8>) -> String {
        let input = Array(bytes)
        var out: [UInt8] = []
        out.reserveCapacity((input.count + 2) / 3 * 4)
        var index = 0
        while index + 3 <= input.count {
            let value = UInt32(input[index]) << 16 | UInt32(input[index + 1]) << 8 | UInt32(input[index + 2])
            out.append(alphabet[Int(value >> 18 & 0x3F)])
            out.append(alphabet[Int(value >> 12 & 0x3F)])
            out.append(alphabet[Int(value >> 6 & 0x3F)])
            out.append(alphabet[Int(value & 0x3F)])
            index += 3
        }
        let remaining = input.count - index
        if remaining == 1 {
            let value = UInt32(input[index]) << 16
            out.append(alphabet[Int(value >> 18 & 0x3F)])
            out.append(alphabet[Int(value >> 12 & 0x3F)])
            out.append(contentsOf: "==".utf8)
        } else if remaining == 2 {
            let value = UInt32(input[index]) << 16 | UInt32(input[index + 1]) << 8
            out.append(alphabet[Int(value >> 18 & 0x3F)])
            out.append(alphabet[Int(value >> 12 & 0x3F)])
            out.append(alphabet[Int(value >> 6 & 0x3F)])
            out.append(UInt8(ascii: "="))
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes padded base64; nil for a length that is not a multiple of 4, a symbol outside the
    /// alphabet, or misplaced `=`.
    static func decode(_ text: some StringProtocol) -> [UInt8]? {
        let input = Array(text.utf8)
        guard input.count % 4 == 0 else { return nil }
        var padding = 0
        if input.last == UInt8(ascii: "=") { padding += 1 }
        if input.count >= 2, input[input.count - 2] == UInt8(ascii: "=") { padding += 1 }
        var out: [UInt8] = []
        out.reserveCapacity(input.count / 4 * 3)
        var index = 0
        while index < input.count {
            var value: UInt32 = 0
            var symbols = 0
            for offset in 0..<4 {
                let symbol = input[index + offset]
                if symbol == UInt8(ascii: "=") {
                    // `=` may only appear in the last one or two positions of the whole input.
                    guard index + 4 == input.count, offset >= 4 - padding else { return nil }
                    value <<= 6
                    continue
                }
                let decoded = decodeTable[Int(symbol)]
                guard decoded != 0xFF else { return nil }
                value = value << 6 | UInt32(decoded)
                symbols += 1
            }
            guard symbols >= 2 else { return nil }
            out.append(UInt8(truncatingIfNeeded: value >> 16))
            if symbols >= 3 { out.append(UInt8(truncatingIfNeeded: value >> 8)) }
            if symbols == 4 { out.append(UInt8(truncatingIfNeeded: value)) }
            index += 4
        }
        return out
    }
}
