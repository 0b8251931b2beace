import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A tiny HTTP server on a loopback port for deadline and size-cap tests, written on raw sockets so it can
/// misbehave in ways a real server framework will not: it reads a request's head, answers `200` with a
/// `Content-Length`, then either sends `body` at once or trickles `contentLength` bytes one at a time.
/// Each connection is served on a thread of its own (the sockets block), never on the Swift pool.
public final class TricklingHTTPServer: Sendable {
    /// What every request gets.
    public enum Answer: Sendable {
        /// The head at once, then one byte of the body every `interval` (a slow or hostile server).
        case trickle(contentLength: Int, every: Duration)
        /// The head and this whole body at once.
        case body([UInt8])
    }

    public let port: Int
    private let listener: Int32
    private let answer: Answer
    private let stopped = Atomic<Bool>(false)
    /// How many requests arrived so far.
    public let requests = Atomic<Int>(0)

    public init(_ answer: Answer) throws {
        self.answer = answer
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw Loopback.Failure(description: "socket() failed") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                bind(descriptor, generic, length) == 0 && getsockname(descriptor, generic, &length) == 0 && listen(descriptor, 16) == 0
            }
        }
        guard bound else {
            close(descriptor)
            throw Loopback.Failure(description: "could not listen on a loopback port")
        }
        listener = descriptor
        port = Int(UInt16(bigEndian: address.sin_port))
        let thread = Thread { [self] in acceptLoop() }
        thread.name = "trickling-http-server"
        thread.start()
    }

    /// Stops accepting; connections being served end at their next byte.
    public func stop() {
        guard !stopped.exchange(true, ordering: .sequentiallyConsistent) else { return }
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    deinit { stop() }

    private func acceptLoop() {
        while !stopped.load(ordering: .sequentiallyConsistent) {
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else {
                if errno == EINTR { continue }
                return
            }
            let thread = Thread { [self] in serve(connection) }
            thread.start()
        }
    }

    private func serve(_ connection: Int32) {
        defer { close(connection) }
        guard readHead(connection) else { return }
        requests.add(1, ordering: .sequentiallyConsistent)
        switch answer {
        case .body(let body):
            guard send(connection, Array("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\n\r\n".utf8) + body) else { return }
            // Let the client read it all before the close.
            var scratch = [UInt8](repeating: 0, count: 1024)
            _ = scratch.withUnsafeMutableBytes { read(connection, $0.baseAddress, $0.count) }
        case .trickle(let contentLength, let interval):
            guard send(connection, Array("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: \(contentLength)\r\n\r\n".utf8)) else { return }
            for _ in 0..<contentLength {
                Thread.sleep(forTimeInterval: Double(interval.components.seconds) + Double(interval.components.attoseconds) / 1e18)
                guard !stopped.load(ordering: .sequentiallyConsistent), send(connection, [UInt8(ascii: " ")]) else { return }
            }
        }
    }

    /// Reads until the blank line that ends the request head (the bodies sent here are small and ignored).
    private func readHead(_ connection: Int32) -> Bool {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        let end: [UInt8] = Array("\r\n\r\n".utf8)
        while received.count < 1 << 20 {
            let count = buffer.withUnsafeMutableBytes { read(connection, $0.baseAddress, $0.count) }
            guard count > 0 else { return false }
            received += buffer[0..<count]
            if received.count >= 4, (0...(received.count - 4)).contains(where: { Array(received[$0..<($0 + 4)]) == end }) { return true }
        }
        return false
    }

    /// Writes everything, without SIGPIPE when the client has gone; false when it has.
    private func send(_ connection: Int32, _ bytes: [UInt8]) -> Bool {
        var sent = 0
        while sent < bytes.count {
            let result = bytes[sent...].withUnsafeBytes { Glibc.send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard result > 0 else { return false }
            sent += result
        }
        return true
    }
}
