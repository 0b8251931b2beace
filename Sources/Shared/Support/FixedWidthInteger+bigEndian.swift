/// Big-endian byte encoding for the binary formats (spool records, queued-message records).
extension FixedWidthInteger {
    public var bigEndianBytes: [UInt8] {
        withUnsafeBytes(of: self.bigEndian) { Array($0) }
    }

    public init(bigEndianBytes bytes: ArraySlice<UInt8>) {
        var value: Self = 0
        for byte in bytes { value = value << 8 | Self(byte) }
        self = value
    }
}
