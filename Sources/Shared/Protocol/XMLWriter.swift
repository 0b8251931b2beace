/// Building blocks for the XML we send back to WeChat (passive replies and the encrypted envelope), and
/// for the pushes the simulator builds.
public enum XMLWriter {
    /// `<![CDATA[text]]>`, splitting any `]]>` over two sections and leaving out the characters
    /// XML 1.0 forbids (C0 controls, U+FFFE, U+FFFF) (WeChat's parser would refuse the whole reply, and the user would
    /// see "该公众号暂时无法提供服务").
    public static func cdata(_ text: String) -> String {
        let clean = String(String.UnicodeScalarView(text.unicodeScalars.filter(isAllowed)))
        return "<![CDATA[" + clean.replacing("]]>", with: "]]]]><![CDATA[>") + "]]>"
    }

    /// Escaped character data, for values that are not wrapped in CDATA.
    public static func escaped(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars where isAllowed(scalar) {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// `<name>` + CDATA + `</name>`.
    public static func element(_ name: String, cdata text: String) -> String {
        "<\(name)>\(cdata(text))</\(name)>"
    }

    /// XML 1.0's `Char`: tab, LF, CR, and everything from U+0020 but U+FFFE and U+FFFF (surrogates
    /// cannot occur in a Swift string).
    private static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        (scalar.value >= 0x20 && scalar.value != 0xFFFE && scalar.value != 0xFFFF) || scalar == "\t" || scalar == "\n" || scalar == "\r"
    }
}
