#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A `scheme://host[:port][/path]` prefix that a URL must match: an entry of `WEB_ALLOWED_RETURN` or
/// `WEB_JSSDK_DOMAINS`. Matching compares the parsed scheme, host and port exactly (no subdomains, as
/// WeChat's own domain settings) and the path by prefix at a `/` boundary.
struct WebOrigin: Sendable, Hashable, CustomStringConvertible {
    let scheme: String
    let host: String
    let port: Int
    /// `""` for a whole origin, else a path such as `/app` (no trailing slash).
    let path: String

    /// Parses an allow-list entry; nil when it is not an absolute http(s) URL without query or fragment.
    init?(entry: String) {
        guard let url = WebURL(entry), url.query.isEmpty, url.fragment == nil else { return nil }
        scheme = url.scheme
        host = url.host
        port = url.port
        var path = url.path
        while path.hasSuffix("/") { path.removeLast() }
        self.path = path
    }

    init(url: WebURL) {
        scheme = url.scheme
        host = url.host
        port = url.port
        path = ""
    }

    /// The origin alone, as a browser sends it in `Origin` (`http://127.0.0.1:8081`, default ports omitted).
    var origin: String {
        let defaultPort = scheme == "https" ? 443 : 80
        return port == defaultPort ? "\(scheme)://\(host)" : "\(scheme)://\(host):\(port)"
    }

    var description: String { origin + path }

    /// Whether `url` is under this entry.
    func matches(_ url: WebURL) -> Bool {
        guard url.scheme == scheme, url.host == host, url.port == port else { return false }
        if path.isEmpty { return true }
        return url.path == path || url.path.hasPrefix(path + "/")
    }

    /// Whether an `Origin` header names this entry's origin.
    func matches(originHeader: String) -> Bool {
        guard let url = WebURL(originHeader) else { return false }
        return url.scheme == scheme && url.host == host && url.port == port
    }
}
