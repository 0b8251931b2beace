import CHiredis

/// hiredis's reply parser without its I/O: bytes go in as they arrive from the socket, whole replies
/// come out. Used by ``RedisReplyHandler`` on one event loop; it owns C memory and is not `Sendable`.
final class HiredisReader {
    private let reader: UnsafeMutablePointer<redisReader>

    /// Nil when hiredis cannot allocate a reader.
    init?() {
        guard let reader = redisReaderCreate() else { return nil }
        self.reader = reader
    }

    deinit { redisReaderFree(reader) }

    /// Appends bytes read from the socket.
    func feed(_ bytes: UnsafeRawBufferPointer) throws(RedisError) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        if redisReaderFeed(reader, base.assumingMemoryBound(to: CChar.self), bytes.count) != REDIS_OK {
            throw protocolError()
        }
    }

    /// The next complete reply (an error reply as its `.failure`), or nil when more bytes are needed.
    /// Throws on a protocol error, after which the stream cannot be resynchronised.
    func next() throws(RedisError) -> Result<RESPValue, RedisError>? {
        var raw: UnsafeMutableRawPointer?
        guard redisReaderGetReply(reader, &raw) == REDIS_OK else { throw protocolError() }
        guard let raw else { return nil }
        defer { freeReplyObject(raw) }
        return HiredisReply.decode(UnsafePointer(raw.assumingMemoryBound(to: redisReply.self)))
    }

    private func protocolError() -> RedisError {
        let message = String(cString: CHiredis_readerErrorString(reader))
        return .connection("protocol error while reading a reply: \(message.isEmpty ? "error \(CHiredis_readerError(reader))" : message)")
    }
}
