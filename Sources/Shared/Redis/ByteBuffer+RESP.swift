import NIOCore

extension ByteBuffer {
    /// Appends `command` as Redis expects it on the wire: an array of bulk strings,
    /// `*<n>\r\n` then `$<length>\r\n<bytes>\r\n` per argument. Binary-safe.
    mutating func writeRESPCommand(_ command: RedisCommand) {
        var size = 16
        for argument in command.arguments { size += argument.bytes.count + 24 }
        reserveCapacity(minimumWritableBytes: size)
        writeInteger(UInt8(ascii: "*"))
        writeDecimal(command.arguments.count)
        for argument in command.arguments {
            writeInteger(UInt8(ascii: "$"))
            writeDecimal(argument.bytes.count)
            writeBytes(argument.bytes)
            writeInteger(UInt16(0x0D0A))
        }
    }

    /// Writes a non-negative count in decimal, then CR LF, without going through a `String`.
    private mutating func writeDecimal(_ value: Int) {
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // room for 24 digits, more than an Int has
        withUnsafeMutableBytes(of: &digits) { storage in
            var remaining = UInt(max(0, value))
            var index = storage.count
            repeat {
                index -= 1
                storage[index] = UInt8(ascii: "0") + UInt8(remaining % 10)
                remaining /= 10
            } while remaining > 0
            writeBytes(UnsafeRawBufferPointer(rebasing: storage[index...]))
        }
        writeInteger(UInt16(0x0D0A))
    }
}
