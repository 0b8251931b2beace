import Logging
import ServiceLifecycle
import Shared
import Synchronization
import UnixSignals

/// Runs every account's consuming services, each account in a `ServiceGroup` of its own, and on SIGHUP
/// re-reads the accounts (`WECHAT_ACCOUNTS` and the `WECHAT_*` variables) and the rules:
///
/// - an account added to the file starts being served; one removed stops after its messages in flight
///   (its users' queues stay in Redis for whichever worker still serves it);
/// - an account whose settings changed (a rotated AppSecret, another reply mode) is stopped the same
///   way and started again with the new ones;
/// - every other account re-reads its rules file.
///
/// A file with a problem, or a new account whose rules file has one, is one log line and changes nothing
/// for the accounts already served. Graceful shutdown reaches every account's group.
final class AccountsSupervisor: Service, Sendable {
    private struct Running: Sendable {
        let worker: AccountWorker
        let group: ServiceGroup
    }

    private let shared: AccountWorker.Shared
    private let handler: (any MessageHandler)?
    private let only: [String]
    private let running = Mutex<[String: Running]>([:])
    private let initial: [AccountWorker]
    /// Where the accounts are read from on SIGHUP (the process environment; tests give their own).
    private let environment: @Sendable () -> [String: String]

    init(
        shared: AccountWorker.Shared, initial: [AccountWorker], handler: (any MessageHandler)?, only: [String],
        environment: @escaping @Sendable () -> [String: String] = { ProcessEnvironment.variables(overriding: [:]) }
    ) {
        self.shared = shared
        self.initial = initial
        self.handler = handler
        self.only = only
        self.environment = environment
    }

    /// The accounts served now, by appid.
    var served: [String: AccountWorker] { running.withLock { $0.mapValues(\.worker) } }

    func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        await withTaskGroup(of: Void.self) { group in
            for worker in initial { start(worker, in: &group) }
            for await _ in signals.cancelOnGracefulShutdown() {
                reload(in: &group)
            }
            // Graceful shutdown: each account's group received it too and finishes its messages in flight.
            await group.waitForAll()
        }
    }

    /// SIGHUP: the accounts again, then the rules of those that stay.
    func reload(in group: inout TaskGroup<Void>) {
        let logger = shared.logger
        let wanted: [WeChatAccount]
        do {
            let configuration = try RelayConfiguration(role: .worker, environment: environment())
            wanted = try WorkerComponents.select(configuration.accounts, only: only + shared.settings.accounts)
        } catch {
            logger.error("SIGHUP: the accounts were not reloaded, the current ones stay: \(error)")
            reloadRules()
            return
        }
        let current = served
        var changed = false
        var rulesReloaded = 0
        for (appID, worker) in current where !wanted.contains(worker.account) {
            changed = true
            logger.info("SIGHUP: \(worker.account.name) \(wanted.contains { $0.appID == appID } ? "changed; restarting it" : "is no longer configured; stopping it after its messages in flight")")
            stop(appID)
        }
        for account in wanted {
            if let running = current[account.appID], running.account == account {
                if running.reloadRules() { rulesReloaded += 1 }
                continue
            }
            changed = true
            do {
                start(try AccountWorker.make(account: account, shared: shared, handler: handler), in: &group)
                logger.info("SIGHUP: serving \(account.name)")
            } catch {
                logger.error("SIGHUP: \(account.name) is not served: \(error)")
            }
        }
        if !changed, rulesReloaded == 0 { logger.info("SIGHUP: nothing to reload (the accounts are unchanged and no WORKER_RULES file is in use)") }
    }

    private func reloadRules() {
        for worker in served.values { _ = worker.reloadRules() }
    }

    private func start(_ worker: AccountWorker, in group: inout TaskGroup<Void>) {
        let services = worker.services(settings: shared.settings, redis: shared.redis)
        let serviceGroup = ServiceGroup(services: services, gracefulShutdownSignals: [], logger: shared.logger)
        running.withLock { $0[worker.account.appID] = Running(worker: worker, group: serviceGroup) }
        let logger = shared.logger
        group.addTask {
            do { try await serviceGroup.run() } catch { logger.error("the services of \(worker.account.name) stopped: \(error)") }
        }
    }

    private func stop(_ appID: String) {
        guard let stopped = running.withLock({ $0.removeValue(forKey: appID) }) else { return }
        Task { await stopped.group.triggerGracefulShutdown() }
    }
}
