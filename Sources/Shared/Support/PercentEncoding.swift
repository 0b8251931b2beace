/// Percent-encoding for URL query values (RFC 3986: everything but unreserved characters), without
/// Foundation's `CharacterSet`, which FoundationEssentials lacks.
public enum PercentEncoding {
    /// `text` with every byte outside `A-Z a-z 0-9 - _ . ~` written as `%XX`.
    public static func encode(_ text: String) -> String {
        var result = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                result.append(Character(Unicode.Scalar(byte)))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                result += (hex.count < 2 ? "%0" : "%") + hex
            }
        }
        return result
    }
}
