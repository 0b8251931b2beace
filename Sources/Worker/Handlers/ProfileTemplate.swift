import Shared

/// `${profile.FIELD}` in a rules reply's text: the user's profile field (``ProfileStore``), e.g.
/// `${profile.remark}`, `${profile.language}`, `${profile.subscribe_scene}`, `${profile.tagid_list}`
/// (a list is joined with commas). Without a profile (off, or it could not be had) a field reads empty.
enum ProfileTemplate {
    static let marker = "${profile."

    /// Whether any text reply refers to the profile (only then is it looked up).
    static func refersToProfile(_ contents: [CustomerServiceMessage.Content]) -> Bool {
        contents.contains { if case .text(let text) = $0 { return text.contains(marker) } else { return false } }
    }

    /// `content` with every `${profile.FIELD}` replaced.
    static func fill(_ content: CustomerServiceMessage.Content, profile: [String: JSONValue]?) -> CustomerServiceMessage.Content {
        guard case .text(var text) = content else { return content }
        var result = ""
        while let start = text.firstRange(of: marker) {
            result += text[..<start.lowerBound]
            let rest = text[start.upperBound...]
            guard let end = rest.firstIndex(of: "}") else {
                result += text[start.lowerBound...]
                text = ""
                break
            }
            result += value(profile?[String(rest[..<end])])
            text = String(rest[rest.index(after: end)...])
        }
        return .text(result + text)
    }

    private static func value(_ field: JSONValue?) -> String {
        switch field {
        case .array(let items): return items.compactMap(\.string).joined(separator: ",")
        case let other?: return other.string ?? ""
        case nil: return ""
        }
    }
}
