/// Fits texts into one passive reply: WeChat shows at most 2 047 bytes of UTF-8 in a passive text.
///
/// The rule: texts are joined (a blank line between them) while the whole fits; the first text that does
/// not fit ends the answer and it and every later text are the rest, delivered later. When the first text
/// alone is too long, it is cut at a character (grapheme cluster) boundary: with `split` the answer is its
/// first 2 047 bytes and the remainder is the first of the rest; with `truncate` the answer ends with "…"
/// and the remainder is dropped.
public enum PassiveText {
    /// The most bytes of UTF-8 a passive text carries.
    public static let maximumBytes = 2047
    public static let separator = "\n\n"
    public static let ellipsis = "…"

    /// The passive answer (nil when there is no text) and the texts left for later, in order.
    public static func fit(_ texts: [String], truncate: Bool = false, maximumBytes: Int = maximumBytes) -> (answer: String?, rest: [String]) {
        var answer: String?
        var index = 0
        while index < texts.count {
            let text = texts[index]
            if let current = answer {
                guard current.utf8.count + separator.utf8.count + text.utf8.count <= maximumBytes else { break }
                answer = current + separator + text
            } else if text.utf8.count <= maximumBytes {
                answer = text
            } else {
                let (head, tail) = cut(text, maximumBytes: truncate ? maximumBytes - ellipsis.utf8.count : maximumBytes)
                return truncate ? (head + ellipsis, Array(texts[(index + 1)...])) : (head, [tail] + texts[(index + 1)...])
            }
            index += 1
        }
        return (answer, Array(texts[index...]))
    }

    /// `text` cut after at most `maximumBytes` bytes, between characters.
    static func cut(_ text: String, maximumBytes: Int) -> (head: String, tail: String) {
        var bytes = 0
        var end = text.startIndex
        for index in text.indices {
            let size = text[index].utf8.count
            if bytes + size > maximumBytes { break }
            bytes += size
            end = text.index(after: index)
        }
        return (String(text[..<end]), String(text[end...]))
    }
}
