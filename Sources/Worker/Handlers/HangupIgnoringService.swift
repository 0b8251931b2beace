import Logging
import ServiceLifecycle
import UnixSignals

/// Traps SIGHUP when there is no rules file to re-read (webhook mode, built-in replies, a Swift handler),
/// so the signal the deployment files suggest for a reload is logged instead of ending the process.
struct HangupIgnoringService: Service {
    var logger = Logger(label: "worker.reload")

    func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        for await _ in signals.cancelOnGracefulShutdown() {
            logger.info("SIGHUP: nothing to reload (no WORKER_RULES file in use)")
        }
    }
}
