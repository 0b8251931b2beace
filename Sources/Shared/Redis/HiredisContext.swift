import CHiredis

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One blocking hiredis connection: the only type that touches `redisContext` (``HiredisReply`` reads the
/// replies).
///
/// Every call blocks its thread on the socket, so a `HiredisContext` lives on one ``RedisConnection``'s
/// own thread and is never shared (it is deliberately not `Sendable`).
final class HiredisContext {
    private let context: UnsafeMutablePointer<redisContext>

    /// Connects, then logs in and selects the database the URL names; every step, the handshake
    /// included, gives up after `connectTimeout`.
    init(url: RedisURL, connectTimeout: Duration) throws(RedisError) {
        let endpoint = "\(url.host):\(url.port)"
        guard let context = redisConnectWithTimeout(url.host, Int32(url.port), Self.timeval(connectTimeout)) else {
            throw .connection("cannot allocate a hiredis context for \(endpoint)")
        }
        self.context = context
        if CHiredis_contextError(context) != 0 {
            // `deinit` frees the context.
            throw Self.ioError(context, doing: "connect to \(endpoint)")
        }
        _ = redisEnableKeepAlive(context)
        // The handshake gets the connect timeout as its deadline: a server that accepts TCP but never
        // answers (a black-holed port, a frozen proxy) must not hang AUTH or SELECT, and so start-up or
        // a reconnect, forever. ``RedisConnection`` applies the command timeout afterwards.
        setTimeout(connectTimeout)
        if let password = url.password {
            var words: [[UInt8]] = [Array("AUTH".utf8)]
            if let user = url.user { words.append(Array(user.utf8)) }
            words.append(Array(password.utf8))
            switch try roundTrip(words) {
            case .failure(let error): throw .server("AUTH as \(url.user ?? "default") refused: \(error)")
            case .success: break
            }
        }
        if url.database != 0 {
            if case .failure(let error) = try roundTrip([Array("SELECT".utf8), Array(String(url.database).utf8)]) {
                throw .server("SELECT \(url.database) refused: \(error)")
            }
        }
    }

    deinit { redisFree(context) }

    /// Sets the socket's send and receive timeout; `nil` waits forever.
    func setTimeout(_ timeout: Duration?) {
        _ = redisSetTimeout(context, Self.timeval(timeout ?? .zero))
    }

    /// True when the server has closed this idle connection (restart, `CLIENT KILL`, idle timeout).
    ///
    /// Checked before each write so a command after a Redis restart goes out on a fresh connection
    /// instead of failing on the dead one. Costs one `poll` with a zero timeout.
    var isPeerClosed: Bool {
        var descriptor = pollfd(fd: CHiredis_contextFD(context), events: Int16(POLLIN), revents: 0)
        guard poll(&descriptor, 1, 0) > 0 else { return false }
        if descriptor.revents & Int16(POLLHUP | POLLERR | POLLNVAL) != 0 { return true }
        // Nothing is ever pending on an idle RESP2 connection: readable means end-of-file or an error.
        var byte: UInt8 = 0
        return recv(descriptor.fd, &byte, 1, Int32(MSG_PEEK | MSG_DONTWAIT)) <= 0
    }

    /// Writes one command into hiredis's output buffer (no I/O yet).
    func append(_ arguments: [[UInt8]]) throws(RedisError) {
        let total = arguments.reduce(0) { $0 + $1.count }
        let storage = UnsafeMutablePointer<CChar>.allocate(capacity: max(total, 1))
        defer { storage.deallocate() }
        var pointers: [UnsafePointer<CChar>?] = []
        var lengths: [Int] = []
        pointers.reserveCapacity(arguments.count)
        lengths.reserveCapacity(arguments.count)
        var offset = 0
        for argument in arguments {
            argument.withUnsafeBytes { source in
                UnsafeMutableRawPointer(storage + offset).copyMemory(from: source.baseAddress ?? UnsafeRawPointer(storage), byteCount: source.count)
            }
            pointers.append(UnsafePointer(storage + offset))
            lengths.append(argument.count)
            offset += argument.count
        }
        let status = pointers.withUnsafeMutableBufferPointer { argv in
            lengths.withUnsafeBufferPointer { argvlen in
                redisAppendCommandArgv(context, Int32(arguments.count), argv.baseAddress, argvlen.baseAddress)
            }
        }
        if status != REDIS_OK { throw Self.ioError(context, doing: "format a command") }
    }

    /// Reads the next reply, flushing the output buffer first if needed. An error reply is a `.failure`;
    /// an I/O or protocol error throws, and the context must then be dropped.
    func readReply() throws(RedisError) -> Result<RESPValue, RedisError> {
        var raw: UnsafeMutableRawPointer?
        let status = redisGetReply(context, &raw)
        guard status == REDIS_OK, let raw else { throw Self.ioError(context, doing: "read a reply") }
        defer { freeReplyObject(raw) }
        return HiredisReply.decode(UnsafePointer(raw.assumingMemoryBound(to: redisReply.self)))
    }

    private func roundTrip(_ arguments: [[UInt8]]) throws(RedisError) -> Result<RESPValue, RedisError> {
        try append(arguments)
        return try readReply()
    }

    private static func ioError(_ context: UnsafeMutablePointer<redisContext>, doing action: String) -> RedisError {
        let savedErrno = errno
        let message = String(cString: CHiredis_contextErrorString(context))
        let code = CHiredis_contextError(context)
        if code == REDIS_ERR_IO && (savedErrno == EAGAIN || savedErrno == EWOULDBLOCK || savedErrno == EINPROGRESS || savedErrno == ETIMEDOUT) {
            return .timeout("no answer in time while trying to \(action) (\(message))")
        }
        if code == REDIS_ERR_PROTOCOL { return .connection("protocol error while trying to \(action): \(message)") }
        let detail = message.isEmpty ? "error \(code)" : message
        return .connection("cannot \(action): \(detail)")
    }

    private static func timeval(_ duration: Duration) -> timeval {
        let (seconds, attoseconds) = duration.components
        return CHiredisTimeval(seconds: seconds, microseconds: attoseconds / 1_000_000_000_000)
    }
}

private func CHiredisTimeval(seconds: Int64, microseconds: Int64) -> timeval {
    timeval(tv_sec: Int(seconds), tv_usec: Int(microseconds))
}
