/// Byte comparison whose running time does not depend on where two inputs first differ.
///
/// Used for every signature check, so that an attacker timing our answers learns nothing about how
/// much of a forged signature was right. Only the lengths may leak (a WeChat signature is always
/// 40 hex characters, so they are not secret).
enum ConstantTime {
    /// True when `lhs` and `rhs` hold the same bytes. Looks at every byte of the shorter input.
    static func equals(_ lhs: some Collection<UInt8>, _ rhs: some Collection<UInt8>) -> Bool {
        var difference: UInt8 = lhs.count == rhs.count ? 0 : 1
        for (left, right) in zip(lhs, rhs) {
            difference |= left ^ right
        }
        return difference == 0
    }
}
