import Foundation
import Shared

#if canImport(Glibc)
import Glibc
#endif

/// The spool's files, owned by the spool's own thread (every call here blocks on the disk).
///
/// Layout of the spool folder: `active.spool` takes appends; ``Spool/takeForReplay()`` renames it to
/// `drain-<n>.spool` (n grows, so names sort oldest first) and starts a new one; the drainer replays each
/// drain file and then deletes it, recording its progress in `drain-<n>.offset` so a crash mid-replay
/// resumes where it stopped.
///
/// Files are read as streams (``SpoolFileReader``): opening counts records a chunk at a time, and each
/// replay chunk is read from where the last one ended, so memory stays bounded (a chunk is at most
/// ``chunkBudget`` bytes of payloads) and a replay reads each file once, whatever the spool's size.
/// The store knows how many records each drain file still holds, so the gauge follows every replayed
/// chunk and returns to 0 even after an interrupted replay or a quarantined file.
struct SpoolStore: BatchProcessor {
    /// The most payload bytes one replay chunk holds (one larger record is still read whole).
    static let chunkBudget = 512 << 10

    enum Request: Sendable {
        case append([UInt8])
        case rotate
        case read(file: String, from: Int, limit: Int)
        /// The records before `offset` are in Redis; `records` of them since the last progress.
        case saveProgress(file: String, offset: Int, records: Int)
        case finish(file: String)
        case quarantine(file: String)
        /// Nothing: answered once the store has opened its folder.
        case opened
    }

    enum Reply: Sendable {
        case appended
        case full
        case failed(String)
        case files([String])
        case chunk(payloads: [[UInt8]], nextOffset: Int, ending: SpoolFormat.Ending?)
        case done
    }

    static var closedReply: Reply { .failed("the spool is closed") }

    let directory: String
    let maximumBytes: Int
    let gauge: SpoolGauge
    private var active: Int32 = -1
    private var activeBytes = 0
    private var activeRecords = 0
    /// Records not yet replayed, per drain file.
    private var pendingRecords: [String: Int] = [:]
    private var nextSequence = 1

    /// Opens the folder: an `active.spool` left by a previous run is checked (a torn tail is cut off) and
    /// turned into a drain file, so everything that was acknowledged before a crash gets replayed.
    init(directory: String, maximumBytes: Int, gauge: SpoolGauge, log: @Sendable (String) -> Void) {
        self.directory = directory
        self.maximumBytes = maximumBytes
        self.gauge = gauge
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        // Sequence numbers are never reused, not even those of quarantined files (`.spool.corrupt`).
        nextSequence = (names.filter { $0.hasPrefix("drain-") }.compactMap(Self.sequence(of:)).max() ?? 0) + 1
        // Progress left without its file (an older version kept it on quarantine) must not be inherited.
        for name in names where name.hasPrefix("drain-") && name.hasSuffix(".offset") {
            if !names.contains(String(name.dropLast(".offset".count)) + ".spool") { unlink(path(name)) }
        }
        let activePath = path("active.spool")
        if let reader = SpoolFileReader(path: activePath), reader.size > 0 {
            let scan = reader.count(from: 0)
            if case .tornTail(let torn) = scan.ending {
                log("spool: a torn last record (\(torn) bytes, a crash mid-write) was cut from active.spool; the \(scan.records) records before it are kept")
                truncate(activePath, off_t(scan.end))
            }
            renameToDrain(activePath)
        }
        for file in drainFiles() {
            guard let reader = SpoolFileReader(path: path(file)) else { continue }
            let records = reader.count(from: readOffset(of: file)).records
            pendingRecords[file] = records
            gauge.add(records: records, bytes: reader.size)
        }
        openActive()
    }

    mutating func process(_ requests: [Request]) -> [Reply] {
        var replies: [Reply] = []
        replies.reserveCapacity(requests.count)
        var appended: [Int] = []
        var pendingWrite: [UInt8] = []
        var records = 0
        // Appends are framed into one buffer, written once and fsync'd once: group commit.
        for (index, request) in requests.enumerated() {
            if case .append(let payload) = request {
                let framed = SpoolFormat.frame(payload)
                if gauge.bytes + pendingWrite.count + framed.count > maximumBytes {
                    replies.append(.full)
                } else {
                    pendingWrite += framed
                    records += 1
                    appended.append(index)
                    replies.append(.appended)
                }
            } else {
                replies.append(.done)
            }
        }
        if !pendingWrite.isEmpty, let failure = writeAndSync(pendingWrite) {
            for index in appended { replies[index] = .failed(failure) }
        } else if !pendingWrite.isEmpty {
            activeRecords += records
            gauge.add(records: records, bytes: pendingWrite.count)
        }
        for (index, request) in requests.enumerated() {
            switch request {
            case .append: continue
            case .rotate: replies[index] = rotate()
            case .read(let file, let offset, let limit): replies[index] = read(file, from: offset, limit: limit)
            case .saveProgress(let file, let offset, let records): replies[index] = saveProgress(file, offset: offset, records: records)
            case .finish(let file): replies[index] = finish(file)
            case .quarantine(let file): replies[index] = quarantine(file)
            case .opened: replies[index] = .done
            }
        }
        return replies
    }

    // MARK: - Requests

    private mutating func writeAndSync(_ bytes: [UInt8]) -> String? {
        if active < 0 { openActive() }
        guard active >= 0 else { return "cannot open \(path("active.spool")): \(String(cString: strerror(errno)))" }
        var written = 0
        let failure: String? = bytes.withUnsafeBytes { buffer -> String? in
            while written < buffer.count {
                let result = write(active, buffer.baseAddress! + written, buffer.count - written)
                if result < 0 {
                    if errno == EINTR { continue }
                    return "cannot write the spool: \(String(cString: strerror(errno)))"
                }
                written += result
            }
            return fsync(active) == 0 ? nil : "cannot fsync the spool: \(String(cString: strerror(errno)))"
        }
        if failure != nil {
            // Leave no half record behind: cut the file back to its last whole record.
            _ = ftruncate(active, off_t(activeBytes))
            return failure
        }
        activeBytes += bytes.count
        return nil
    }

    private mutating func rotate() -> Reply {
        if activeBytes > 0 {
            close(active)
            active = -1
            let name = renameToDrain(path("active.spool"))
            pendingRecords[name, default: 0] += activeRecords
            activeRecords = 0
            openActive()
        }
        return .files(drainFiles())
    }

    /// One chunk from `offset` (or from the saved progress, if further): only that chunk is read.
    private func read(_ file: String, from offset: Int, limit: Int) -> Reply {
        let start = max(offset, readOffset(of: file))
        guard let reader = SpoolFileReader(path: path(file)) else { return .failed("cannot open \(path(file))") }
        let chunk = reader.read(from: start, limit: limit, byteBudget: Self.chunkBudget)
        return .chunk(payloads: chunk.payloads, nextOffset: chunk.nextOffset, ending: chunk.ending)
    }

    private mutating func saveProgress(_ file: String, offset: Int, records: Int) -> Reply {
        pendingRecords[file, default: 0] -= records
        gauge.add(records: -records, bytes: 0)
        let progress = path(Self.offsetName(of: file))
        let temporary = progress + ".tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(String(offset).utf8)) else {
            return .failed("cannot write \(temporary)")
        }
        let descriptor = open(temporary, O_RDONLY)
        if descriptor >= 0 {
            fsync(descriptor)
            close(descriptor)
        }
        rename(temporary, progress)
        syncDirectory()
        return .done
    }

    /// Deletes a replayed file and its progress; records it still counted (a torn tail) leave the gauge.
    private mutating func finish(_ file: String) -> Reply {
        let size = fileSize(file)
        unlink(path(file))
        unlink(path(Self.offsetName(of: file)))
        syncDirectory()
        forget(file, size: size)
        return .done
    }

    /// Keeps a corrupt file for a person to look at, out of the replay path; its progress goes, so no
    /// later file can inherit it.
    private mutating func quarantine(_ file: String) -> Reply {
        let size = fileSize(file)
        rename(path(file), path(file + ".corrupt"))
        unlink(path(Self.offsetName(of: file)))
        syncDirectory()
        forget(file, size: size)
        return .done
    }

    private mutating func forget(_ file: String, size: Int) {
        let left = pendingRecords.removeValue(forKey: file) ?? 0
        gauge.add(records: -left, bytes: -size)
    }

    private func fileSize(_ file: String) -> Int {
        (try? FileManager.default.attributesOfItem(atPath: path(file))[.size] as? Int) ?? 0
    }

    // MARK: - Files

    private func path(_ name: String) -> String { directory + "/" + name }

    private func drainFiles() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasPrefix("drain-") && $0.hasSuffix(".spool") }.sorted()
    }

    private func readOffset(of file: String) -> Int {
        guard let data = FileManager.default.contents(atPath: path(Self.offsetName(of: file))) else { return 0 }
        return Int(String(decoding: data, as: UTF8.self)) ?? 0
    }

    private mutating func openActive() {
        active = open(path("active.spool"), O_WRONLY | O_CREAT | O_APPEND, 0o600)
        activeBytes = 0
        if active >= 0 { activeBytes = max(0, Int(lseek(active, 0, SEEK_END))) }
    }

    @discardableResult
    private mutating func renameToDrain(_ source: String) -> String {
        let name = "drain-" + String(repeating: "0", count: max(0, 12 - String(nextSequence).count)) + String(nextSequence) + ".spool"
        nextSequence += 1
        rename(source, path(name))
        syncDirectory()
        return name
    }

    private func truncate(_ file: String, _ length: off_t) {
        let descriptor = open(file, O_WRONLY)
        guard descriptor >= 0 else { return }
        _ = ftruncate(descriptor, length)
        fsync(descriptor)
        close(descriptor)
    }

    private func syncDirectory() {
        let descriptor = open(directory, O_RDONLY)
        guard descriptor >= 0 else { return }
        fsync(descriptor)
        close(descriptor)
    }

    private static func sequence(of file: String) -> Int? {
        Int(file.dropFirst("drain-".count).prefix { $0.isNumber })
    }

    private static func offsetName(of file: String) -> String {
        String(file.dropLast(".spool".count)) + ".offset"
    }
}
