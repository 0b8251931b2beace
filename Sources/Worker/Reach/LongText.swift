import Shared

/// Cuts texts to what one customer-service text message may carry. WeChat refuses a text over 2 048 bytes
/// of UTF-8 with 45002 (measured; the documentation gives no figure); cuts fall between characters
/// (grapheme clusters), so no emoji, flag or combining accent is broken.
enum LongText {
    /// The most bytes of UTF-8 one text message carries.
    static let maximumBytes = 2048
    /// A split text becomes at most this many messages (the largest allowance of a reply window), the
    /// last ending with "…" when the text goes on.
    static let maximumParts = ReplyWindowAllowance.largest
    static let ellipsis = "…"

    /// `text` in parts of at most `maximumBytes` bytes each, at most `parts` of them; when the text does
    /// not fit, the last part ends with the ellipsis.
    static func split(_ text: String, maximumBytes: Int = maximumBytes, parts: Int = maximumParts) -> [String] {
        guard text.utf8.count > maximumBytes else { return [text] }
        var result: [String] = []
        var current = ""
        var currentBytes = 0
        var rest = text[...]
        while let character = rest.first {
            let size = character.utf8.count
            if currentBytes + size > maximumBytes, !current.isEmpty {
                if result.count == parts - 1 { break }
                result.append(current)
                current = ""
                currentBytes = 0
            }
            current.append(character)
            currentBytes += size
            rest = rest.dropFirst()
        }
        result.append(rest.isEmpty ? current : truncate(current + rest, maximumBytes: maximumBytes))
        return result
    }

    /// `text` cut to `maximumBytes` bytes at a character boundary, ending with the ellipsis when cut.
    static func truncate(_ text: String, maximumBytes: Int = maximumBytes) -> String {
        guard text.utf8.count > maximumBytes else { return text }
        let budget = maximumBytes - ellipsis.utf8.count
        var result = ""
        var bytes = 0
        for character in text {
            let size = character.utf8.count
            if bytes + size > budget { break }
            result.append(character)
            bytes += size
        }
        return result + ellipsis
    }

    /// The replies with every text over the limit split or truncated as its reply asks. Later parts of a
    /// split are marked ``Reply/isContinuation``: the allowance decides whether they go.
    static func prepare(_ replies: [Reply]) -> [Reply] {
        var result: [Reply] = []
        for reply in replies {
            guard case .text(let text) = reply.content, text.utf8.count > maximumBytes else {
                result.append(reply)
                continue
            }
            let parts = reply.longText == .truncate ? [truncate(text)] : split(text)
            for (index, part) in parts.enumerated() {
                var piece = reply
                piece.content = .text(part)
                piece.isContinuation = index > 0
                result.append(piece)
            }
        }
        return result
    }
}

/// The allowances of WeChat's reply windows (``ReplyWindowRule``), as one figure where one is needed.
enum ReplyWindowAllowance {
    static let largest = ReplyWindowRule.allCases.map(\.allowance).max() ?? 5
}
