import AsyncHTTPClient
import Logging
import ServiceLifecycle
import Shared
import UnixSignals

#if canImport(Glibc)
import Glibc
#endif

/// Everything one worker process runs, wired from the configuration and the Redis client it is given (as
/// `IngressComponents` and `WebComponents` are): the HTTP client, the metrics, the slots shared by the
/// accounts, and one ``AccountWorker`` per account served (its token, sender, handler and consuming services).
/// `worker serve` and the tests build it the same way; the single-account properties (``tokens``, ``queue``,
/// ``consumer``, ``rules``) are the first account's.
struct WorkerComponents: Sendable {
    let configuration: RelayConfiguration
    let settings: WorkerSettings
    let redis: RedisClient
    let httpClient: HTTPClient
    /// The first account's metrics (the registry is the process's).
    let metrics: WorkerMetrics
    let pool: SlotPool
    /// One per account served at start, in configuration order (SIGHUP may change the set: ``supervisor``).
    let accounts: [AccountWorker]
    /// Runs the accounts' services and reloads them on SIGHUP.
    let supervisor: AccountsSupervisor
    let logger: Logger

    var first: AccountWorker { accounts[0] }
    var tokens: AccessTokenProvider { first.tokens }
    var account: AccountAPI { first.api }
    var queue: LeaseQueue { first.queue }
    var board: LeaseBoard { first.board }
    var consumer: ConsumerService { first.consumer }
    var rules: RulesHandler? { first.rules }

    /// - Parameters:
    ///   - handler: a custom handler for every account; nil picks the webhook (`WORKER_WEBHOOK_URL`) or the rules.
    ///   - only: the names or appids of the accounts to serve (`worker --account`); empty: all of them.
    static func make(
        configuration: RelayConfiguration, settings: WorkerSettings, redis: RedisClient, handler custom: (any MessageHandler)? = nil,
        consumerName: String? = nil, only: [String] = [], logger: Logger = Logger(label: "worker")
    ) throws(WorkerSetupError) -> WorkerComponents {
        let served = try Self.select(configuration.accounts, only: only + settings.accounts)
        let httpClient = WeChatAPIClient.makeHTTPClient(concurrency: settings.concurrency)
        let metrics = WorkerMetrics(account: served[0].name)
        let pool = SlotPool(capacity: settings.concurrency)
        let shared = AccountWorker.Shared(
            configuration: configuration, settings: settings, redis: redis, httpClient: httpClient, metrics: metrics, pool: pool,
            consumerName: consumerName ?? Self.uniqueConsumerName(), logger: logger)
        var workers: [AccountWorker] = []
        do {
            for account in served { workers.append(try AccountWorker.make(account: account, shared: shared, handler: custom)) }
        } catch {
            try? httpClient.syncShutdown()
            throw .rules(error)
        }
        if served.count > 1 {
            logger.info("serving \(served.count) accounts (\(served.map(\.name).joined(separator: ", "))) with \(settings.concurrency) slots shared fairly")
        }
        return WorkerComponents(
            configuration: configuration, settings: settings, redis: redis, httpClient: httpClient, metrics: workers[0].metrics, pool: pool, accounts: workers,
            supervisor: AccountsSupervisor(shared: shared, initial: workers, handler: custom, only: only), logger: logger)
    }

    /// The accounts named in `only` (by name or appid), all of them when it is empty.
    static func select(_ accounts: [WeChatAccount], only: [String]) throws(WorkerSetupError) -> [WeChatAccount] {
        guard !only.isEmpty else { return accounts }
        for name in only where !accounts.contains(where: { $0.isCalled(name) }) {
            throw .unknownAccount(name, known: accounts.map(\.name))
        }
        return accounts.filter { account in only.contains(where: account.isCalled) }
    }

    /// What a worker does, in start order (shut down in reverse): Redis first so it closes last; the
    /// accounts' services (``AccountsSupervisor``: each account's heartbeat, reaper, gauges, migration and
    /// consumer, reloaded on SIGHUP); the metrics server and the callback IP refresh (the first account's
    /// token: the list is WeChat's, not an account's).
    var services: [any Service] {
        var services: [any Service] = [redis, supervisor]
        if let port = settings.metricsPort {
            services.append(MetricsServer(host: settings.metricsHost, port: port, redis: redis, metrics: metrics, logger: Logger(label: "worker.metrics")))
        }
        if let interval = settings.callbackIPRefresh {
            services.append(
                CallbackIPRefreshService(api: first.api, redis: redis, keys: QueueKeys(appID: configuration.appID), interval: interval, metrics: metrics, logger: Logger(label: "worker.callback-ips")))
        }
        return services
    }

    /// Runs until graceful shutdown (SIGTERM/SIGINT in the process; a trigger in tests), then closes the HTTP
    /// client. `tracer`, the trace exporter (``TracingSetup``), starts first and so stops last, flushing every span.
    func run(signals: [UnixSignal] = [.sigterm, .sigint], tracer: (any Service)? = nil) async throws {
        let group = ServiceGroup(services: (tracer.map { [$0] } ?? []) + services, gracefulShutdownSignals: signals, logger: logger)
        do {
            try await group.run()
        } catch {
            try? await httpClient.shutdown()
            throw error
        }
        try await httpClient.shutdown()
    }

    /// `host-pid-random`: unique per process, readable in `worker status`.
    static func uniqueConsumerName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        let host =
            gethostname(&buffer, buffer.count) == 0
            ? String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : "worker"
        return "\(host)-\(getpid())-\(String(UInt32.random(in: 0...UInt32.max), radix: 16))"
    }
}
