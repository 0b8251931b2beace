import NIOCore
import Testing

@testable import Shared

/// The event-loop connection's codec without a server: what ``ByteBuffer/writeRESPCommand(_:)`` writes is
/// an array of bulk strings, which hiredis's parser (``HiredisReader``) reads back as such, however the
/// bytes are split on the way.
@Suite struct RESPCodecTests {
    @Test func aCommandIsWrittenAsAnArrayOfBulkStrings() {
        var buffer = ByteBuffer()
        buffer.writeRESPCommand(RedisCommand("SET", "k", RedisArgument(bytes: [])))
        #expect(String(buffer: buffer) == "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n")
    }

    @Test(arguments: [1, 3, 4096])
    func theParserReadsBackWhatTheEncoderWrote(chunkSize: Int) throws {
        let commands = [
            RedisCommand("XADD", "s", "*", "body", RedisArgument(bytes: [0, 13, 10, 0xff])),
            RedisCommand("SET", RedisArgument("你好 👋"), RedisArgument(bytes: Array(repeating: 0x41, count: 10_000))),
        ]
        var buffer = ByteBuffer()
        for command in commands { buffer.writeRESPCommand(command) }
        let reader = try #require(HiredisReader())
        var decoded: [RESPValue] = []
        let bytes = Array(buffer.readableBytesView)
        for start in stride(from: 0, to: bytes.count, by: chunkSize) {
            try bytes[start..<min(start + chunkSize, bytes.count)].withUnsafeBytes { try reader.feed($0) }
            while let reply = try reader.next() { decoded.append(try reply.get()) }
        }
        #expect(decoded == commands.map { .array($0.arguments.map { .bulkString($0.bytes) }) })
    }

    @Test func errorRepliesAndProtocolErrorsAreTold() throws {
        let reader = try #require(HiredisReader())
        try Array("-WRONGTYPE Operation\r\n:42\r\n".utf8).withUnsafeBytes { try reader.feed($0) }
        #expect(try reader.next() == .failure(.server("WRONGTYPE Operation")))
        #expect(try reader.next() == .success(.integer(42)))
        #expect(try reader.next() == nil)
        try Array("?garbage\r\n".utf8).withUnsafeBytes { try reader.feed($0) }
        #expect(throws: RedisError.self) { try reader.next() }
    }
}
