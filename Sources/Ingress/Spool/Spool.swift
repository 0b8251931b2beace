import Shared

/// The ingress's local, durable fallback queue: while Redis cannot be reached, each message is appended
/// here (fsync'd, by group commit, before the request is answered), and ``SpoolDrainer`` replays it into
/// Redis, oldest first, once Redis answers again.
final class Spool: Sendable {
    let directory: String
    let gauge = SpoolGauge()
    private let thread: BatchingThread<SpoolStore>

    /// Opens (or creates) the spool folder and counts what an earlier run left in it; a torn record left by
    /// a crash is cut off and logged through `log`.
    static func open(directory: String, maximumBytes: Int, log: @escaping @Sendable (String) -> Void) async -> Spool {
        let spool = Spool(directory: directory, maximumBytes: maximumBytes, log: log)
        _ = await spool.thread.submit(.opened)
        return spool
    }

    private init(directory: String, maximumBytes: Int, log: @escaping @Sendable (String) -> Void) {
        self.directory = directory
        let gauge = self.gauge
        thread = BatchingThread(name: "spool") {
            SpoolStore(directory: directory, maximumBytes: maximumBytes, gauge: gauge, log: log)
        }
    }

    /// Why an append was refused.
    enum AppendError: Error, Equatable {
        /// `INGRESS_SPOOL_MAX_BYTES` is reached.
        case full
        /// The disk refused the write or the fsync.
        case io(String)
    }

    /// Appends one message durably: when this returns, the record is on disk.
    func append(_ message: QueuedMessage) async throws(AppendError) {
        switch await thread.submit(.append(message.spoolRecord)) {
        case .appended: return
        case .full: throw .full
        case .failed(let reason): throw .io(reason)
        default: throw .io("unexpected spool reply")
        }
    }

    /// Closes the current file for replay and returns every file awaiting replay, oldest first.
    func takeForReplay() async -> [String] {
        if case .files(let files) = await thread.submit(.rotate) { return files }
        return []
    }

    /// Up to `limit` records of `file` from `offset` (at most ``SpoolStore/chunkBudget`` bytes of them);
    /// nil when the file cannot be read now.
    func read(_ file: String, from offset: Int, limit: Int) async -> (payloads: [[UInt8]], nextOffset: Int, ending: SpoolFormat.Ending?)? {
        if case .chunk(let payloads, let next, let ending) = await thread.submit(.read(file: file, from: offset, limit: limit)) {
            return (payloads, next, ending)
        }
        return nil
    }

    /// Records that everything before `offset` is in Redis: `records` more since the last call.
    func saveProgress(_ file: String, offset: Int, records: Int) async {
        _ = await thread.submit(.saveProgress(file: file, offset: offset, records: records))
    }

    /// Deletes a replayed file.
    func finish(_ file: String) async {
        _ = await thread.submit(.finish(file: file))
    }

    func quarantine(_ file: String) async {
        _ = await thread.submit(.quarantine(file: file))
    }

    func close() { thread.close() }
}
