/// Where a push came from, and whether that is one of WeChat's callback IPs (`INGRESS_SOURCE_CHECK`).
///
/// The client is the TCP peer, unless the peer is a trusted proxy (`INGRESS_TRUSTED_PROXIES`): then it
/// is the right-most `X-Forwarded-For` hop that is not a trusted proxy (the left-most hops are whatever the
/// client wrote). An untrusted peer's `X-Forwarded-For` is ignored, so it cannot claim to be WeChat.
///
/// The signature is what authenticates a push; this check is defence in depth. So the default mode is
/// `log` (count and log pushes from elsewhere), `enforce` refuses them with 403, and every mode lets a
/// push through when the list is missing (fail open: the worker has not fetched it, or it expired).
struct SourceCheck: Sendable {
    enum Mode: String, Sendable, CaseIterable {
        case off, log, enforce
    }

    /// What the check found for one push (the `outcome` label of `wechat_ingress_source_checks_total`).
    enum Outcome: String, Sendable, CaseIterable {
        /// The client is on WeChat's list.
        case listed
        /// The client is not on the list (refused in `enforce`).
        case unlisted
        /// No list to check against: let through (fail open).
        case noList = "no_list"
        /// The client's address is unknown (no peer address, or a hop that is not an address): treated as unlisted.
        case unknownClient = "unknown_client"
    }

    let mode: Mode
    let trustedProxies: [IPNetwork]

    /// The client's address: the peer's, or behind trusted proxies the right-most untrusted hop; nil when
    /// there is no peer address or that hop is not an address.
    func client(peer: [UInt8]?, forwardedFor headers: [String]) -> [UInt8]? {
        guard let peer else { return nil }
        guard isTrusted(peer) else { return peer }
        let parts: [Substring] = headers.flatMap { header in header.split(separator: ",") }
        let hops: [String] = parts.map { String($0).trimmed(of: " \t") }.filter { !$0.isEmpty }
        for hop in hops.reversed() {
            guard let address = Self.hopAddress(hop) else { return nil }
            if !isTrusted(address) { return address }
        }
        // Every hop is a trusted proxy (or there is none): the left-most one is the client.
        return hops.first.flatMap(Self.hopAddress) ?? peer
    }

    /// The outcome for `client` against `list` (nil: no list).
    func outcome(client: [UInt8]?, list: [IPNetwork]?) -> Outcome {
        guard let list else { return .noList }
        guard let client else { return .unknownClient }
        return list.contains { $0.contains(client) } ? .listed : .unlisted
    }

    private func isTrusted(_ address: [UInt8]) -> Bool {
        trustedProxies.contains { $0.contains(address) }
    }

    /// An `X-Forwarded-For` hop: `1.2.3.4`, `1.2.3.4:5678`, `2001:db8::1` or `[2001:db8::1]:443`.
    static func hopAddress(_ hop: String) -> [UInt8]? {
        if hop.hasPrefix("["), let end = hop.firstIndex(of: "]") {
            return IPNetwork.address(hop[hop.index(after: hop.startIndex)..<end])
        }
        if let address = IPNetwork.address(hop) { return address }
        if let colon = hop.lastIndex(of: ":"), hop.firstIndex(of: ":") == colon { return IPNetwork.address(hop[..<colon]) }
        return nil
    }
}

extension String {
    fileprivate func trimmed(of set: String) -> String {
        var text = Substring(self)
        while let first = text.first, set.contains(first) { text.removeFirst() }
        while let last = text.last, set.contains(last) { text.removeLast() }
        return String(text)
    }
}
