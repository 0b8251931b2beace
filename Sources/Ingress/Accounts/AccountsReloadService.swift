import Logging
import ServiceLifecycle
import Shared
import UnixSignals

/// Re-reads the accounts on SIGHUP (`kill -HUP`, or after a mounted Secret changed): the accounts file and
/// the `WECHAT_*` variables. A file with a problem is one log line and changes nothing.
struct AccountsReloadService: Service {
    let accounts: IngressAccounts
    let logger: Logger

    func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        for await _ in signals.cancelOnGracefulShutdown() {
            reload()
        }
    }

    func reload(environment: [String: String] = ProcessEnvironment.variables(overriding: [:])) {
        do {
            let configuration = try RelayConfiguration(role: .ingress, environment: environment)
            try accounts.reload(configuration)
            logger.info("reloaded the accounts: \(configuration.accounts.map(\.name).joined(separator: ", "))")
        } catch {
            logger.error("SIGHUP: the accounts were not reloaded, the current ones stay: \(error)")
        }
    }
}
