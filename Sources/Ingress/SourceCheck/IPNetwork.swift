#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An IPv4 or IPv6 address block (`101.226.103.0/25`, `10.0.0.0/8`, `2001:db8::/32`), or one address
/// (a block of one: `/32` or `/128`). IPv4-mapped IPv6 addresses (`::ffff:1.2.3.4`, what a dual-stack
/// socket reports for an IPv4 peer) are read as IPv4.
struct IPNetwork: Sendable, Hashable, CustomStringConvertible {
    /// 4 or 16 bytes, with the bits past the prefix cleared.
    let bytes: [UInt8]
    let prefixLength: Int

    /// `address` or `address/prefix`; nil when it is neither.
    init?(parsing text: some StringProtocol) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = Self.address(parts[0]) else { return nil }
        let maximum = address.count * 8
        var length = maximum
        if parts.count == 2 {
            guard let given = Int(parts[1]), (0...maximum).contains(given) else { return nil }
            length = given
        }
        bytes = Self.masked(address, length)
        prefixLength = length
    }

    /// Whether `address` (4 or 16 bytes) is in this block.
    func contains(_ address: [UInt8]) -> Bool {
        address.count == bytes.count && Self.masked(address, prefixLength) == bytes
    }

    var description: String {
        prefixLength == bytes.count * 8 ? Self.text(bytes) : "\(Self.text(bytes))/\(prefixLength)"
    }

    /// An address's usual text (dotted quad; IPv6 as eight groups, without `::` shortening).
    static func text(_ bytes: [UInt8]) -> String {
        bytes.count == 4 ? bytes.map(String.init).joined(separator: ".") : ipv6Text(bytes)
    }

    /// The bytes of an IPv4 or IPv6 address (4 for IPv4 and IPv4-mapped IPv6, else 16); nil for anything else.
    static func address(_ text: some StringProtocol) -> [UInt8]? {
        let string = String(text)
        // Byte buffers rather than in_addr/in6_addr: the static SDK also finds those in CNIOLinux, which
        // MemberImportVisibility refuses without importing it.
        var v4 = [UInt8](repeating: 0, count: 4)
        if inet_pton(AF_INET, string, &v4) == 1 { return v4 }
        var bytes = [UInt8](repeating: 0, count: 16)
        guard inet_pton(AF_INET6, string, &bytes) == 1 else { return nil }
        if bytes.prefix(10).allSatisfy({ $0 == 0 }), bytes[10] == 0xFF, bytes[11] == 0xFF { return Array(bytes.suffix(4)) }
        return bytes
    }

    private static func masked(_ address: [UInt8], _ length: Int) -> [UInt8] {
        address.enumerated().map { index, byte in
            let kept = min(max(length - index * 8, 0), 8)
            return kept == 8 ? byte : byte & ~(UInt8(0xFF) >> kept)
        }
    }

    private static func ipv6Text(_ bytes: [UInt8]) -> String {
        stride(from: 0, to: 16, by: 2).map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }.joined(separator: ":")
    }
}
