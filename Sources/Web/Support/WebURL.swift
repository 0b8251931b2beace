import Shared

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// An absolute http(s) URL taken apart strictly enough to decide where a browser would go: anything a
/// browser might read differently from a parser (backslashes, control characters, spaces, user info,
/// `//` tricks) is refused rather than guessed at.
struct WebURL: Sendable, Hashable {
    /// `http` or `https`, lower case.
    let scheme: String
    /// Lower case.
    let host: String
    /// The explicit port, or 80/443.
    let port: Int
    let path: String
    /// The query without `?` (`""` when none).
    let query: String
    /// The fragment without `#`, when present.
    let fragment: String?
    /// The URL as given.
    let text: String

    init?(_ text: String) {
        guard text.utf8.count <= 4096,
            !text.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7F || $0 == "\\" })
        else { return nil }
        guard let components = URLComponents(string: text),
            let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = components.host?.lowercased(), !host.isEmpty,
            components.user == nil, components.password == nil,
            text.lowercased().hasPrefix(scheme + "://")
        else { return nil }
        self.scheme = scheme
        self.host = host
        port = components.port ?? (scheme == "https" ? 443 : 80)
        path = components.percentEncodedPath
        query = components.percentEncodedQuery ?? ""
        fragment = components.percentEncodedFragment
        self.text = text
    }

    /// The URL without `#` and what follows: what the JS-SDK signs.
    var withoutFragment: String {
        guard let index = text.firstIndex(of: "#") else { return text }
        return String(text[..<index])
    }

    /// The URL with `name=value` added to its query (before any fragment).
    func appendingQueryItem(_ name: String, _ value: String) -> String {
        let base = withoutFragment
        let separator = query.isEmpty ? (base.hasSuffix("?") ? "" : "?") : "&"
        let item = "\(name)=\(PercentEncoding.encode(value))"
        return base + separator + item + (fragment.map { "#" + $0 } ?? "")
    }
}
