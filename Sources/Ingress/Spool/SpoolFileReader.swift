#if canImport(Glibc)
import Glibc
#endif

/// Reads the records of one spool file with `pread`, a record at a time, so memory stays bounded by what
/// the caller asks for (a chunk) whatever the file's size. Lives on the spool's thread, for one request.
final class SpoolFileReader {
    private let descriptor: Int32
    /// The file's size when it was opened.
    let size: Int

    /// Opens `path` for reading; nil when it cannot be opened.
    init?(path: String) {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { return nil }
        let end = lseek(descriptor, 0, SEEK_END)
        guard end >= 0 else {
            close(descriptor)
            return nil
        }
        self.descriptor = descriptor
        self.size = Int(end)
    }

    deinit { close(descriptor) }

    /// Up to `limit` records from `offset`, stopping once the payloads reach `byteBudget`.
    func read(from offset: Int, limit: Int, byteBudget: Int) -> SpoolFormat.Chunk {
        SpoolFormat.read(size: size, from: offset, limit: limit, byteBudget: byteBudget) { position, count in
            bytes(at: position, count: count)
        }
    }

    /// Counts the good records from `offset` to where the good data ends, holding at most `byteBudget`
    /// bytes of payloads at a time.
    func count(from offset: Int, byteBudget: Int = 1 << 20) -> (records: Int, end: Int, ending: SpoolFormat.Ending) {
        var records = 0
        var position = offset
        while true {
            let chunk = read(from: position, limit: .max, byteBudget: byteBudget)
            records += chunk.payloads.count
            position = chunk.nextOffset
            if let ending = chunk.ending { return (records, position, ending) }
        }
    }

    private func bytes(at position: Int, count: Int) -> [UInt8]? {
        guard count > 0 else { return [] }
        var buffer = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let result = buffer.withUnsafeMutableBytes { raw in
                pread(descriptor, raw.baseAddress! + done, count - done, off_t(position + done))
            }
            if result < 0 && errno == EINTR { continue }
            guard result > 0 else { return nil }
            done += result
        }
        return buffer
    }
}
