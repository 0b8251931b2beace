import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Lines typed on standard input as an async sequence. `readLine()` blocks, so it runs on a thread of
/// its own, never on a Swift concurrency thread; the sequence ends at end of input (Ctrl-D).
enum StandardInputLines {
    static func start() -> AsyncStream<String> {
        let (stream, continuation) = AsyncStream.makeStream(of: String.self)
        let reader = Thread {
            while let line = readLine() { continuation.yield(line) }
            continuation.finish()
        }
        reader.name = "wxsim-stdin"
        reader.start()
        return stream
    }
}
