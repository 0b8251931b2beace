import Logging
import ServiceLifecycle
import UnixSignals

/// Re-reads the rules file on SIGHUP; a bad file is logged and the rules in force are kept.
struct RulesReloadService: Service {
    let rules: [RulesHandler]

    func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        for await _ in signals.cancelOnGracefulShutdown() {
            for handler in rules { _ = handler.reload() }
        }
    }
}
