import ArgumentParser
import Logging
import ServiceLifecycle
import Shared
import UnixSignals
import WeChatFake

/// `wxsim api`: the fake `api.weixin.qq.com` (the same ``FakeWeChatAPI`` the tests use) for every
/// ``DemoAccount`` and the configured AppID, printing every reply it receives as a chat line, with fault
/// flags, until SIGINT/SIGTERM.
struct APICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "api",
        abstract: "Serve a fake api.weixin.qq.com; point the workers' WECHAT_API_BASE at it.")

    @Option(help: "Address to listen on (keep loopback outside a container network).")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on.")
    var port = 9080

    @Option(name: .customLong("appid"), help: "The AppID it knows (WECHAT_APPID; demo: \(DemoAccount.appID)).")
    var appID: String?

    @Option(help: "Its AppSecret (WECHAT_APPSECRET; demo: \(DemoAccount.appSecret)).")
    var secret: String?

    @Option(name: .customLong("fail-rate"), help: "Share of sends answered errcode -1 (system busy), 0...1.")
    var failRate = 0.0

    @Option(name: .customLong("http500-rate"), help: "Share of sends answered HTTP 500, 0...1.")
    var http500Rate = 0.0

    @Option(name: .customLong("latency-ms"), help: "Milliseconds added before every answer.")
    var latencyMilliseconds = 0

    @Option(name: .customLong("latency-jitter-ms"), help: "A random 0…N milliseconds added to --latency-ms for each answer.")
    var latencyJitterMilliseconds = 0

    @Option(name: .customLong("expire-token-every"), help: "Expire every access_token after each N-th successful send (0: never).")
    var expireTokenEvery = 0

    @Option(name: .customLong("reject-openid"), help: "OPENID:ERRCODE, e.g. o_blocked:45015 (repeatable).")
    var rejectedOpenIDs: [String] = []

    @Option(name: .customLong("unverified"), help: "An AppID answered 48001 (api unauthorized) on custom/send and typing, as an unverified account (repeatable).")
    var unverified: [String] = []

    @Flag(name: .customLong("refuse-consent"), help: "The OAuth authorize page refuses, as a user who says no.")
    var refuseConsent = false

    @Flag(help: "Print nothing per call (benchmarks).")
    var quiet = false

    @OptionGroup var reach: ReachAPIOptions

    func validate() throws {
        guard (0...1).contains(failRate), (0...1).contains(http500Rate) else { throw ValidationError("--fail-rate and --http500-rate are shares between 0 and 1") }
        guard latencyMilliseconds >= 0, latencyJitterMilliseconds >= 0, expireTokenEvery >= 0 else {
            throw ValidationError("--latency-ms, --latency-jitter-ms and --expire-token-every cannot be negative")
        }
        _ = try rejected()
    }

    func run() async throws {
        let environment = ProcessEnvironment.variables(overriding: ["WECHAT_APPID": appID, "WECHAT_APPSECRET": secret])
        let reader = EnvironmentReader(environment)
        let app = reader.string("WECHAT_APPID") ?? DemoAccount.appID
        let appSecret = reader.string("WECHAT_APPSECRET") ?? DemoAccount.appSecret
        let faults = FakeWeChatFaults(
            failRate: failRate, http500Rate: http500Rate, latency: .milliseconds(latencyMilliseconds), latencyJitter: .milliseconds(latencyJitterMilliseconds),
            expireTokenEvery: expireTokenEvery, rejectedOpenIDs: try rejected())
        var logger = Logger(label: "wxsim.api")
        logger.logLevel = .warning
        let quiet = self.quiet
        // The unverified demo account (blog) answers 48001 on custom/send, as WeChat does.
        let unverifiedAppIDs = Set(unverified).union(DemoAccount.unverifiedAppIDs)
        let fake = FakeWeChatAPI(apps: Self.apps(app, secret: appSecret), faults: faults, unverified: unverifiedAppIDs, logger: logger) { call in
            guard !quiet else { return }
            if call.path == FakeWeChatAPI.sendPath {
                Console.line(ChatLine.reply(FakeWeChatReply(seq: 0, call: call)))
            } else if let line = ChatLine.call(call) {
                Console.line(line)
            }
        }
        fake.refusesConsent = refuseConsent
        try reach.apply(to: fake, appID: app)
        let bound: Int
        do {
            bound = try await fake.start(host: host, port: port)
        } catch {
            ProcessEnvironment.printError("wxsim api: cannot listen on \(host):\(port): \(error)")
            throw ExitCode(1)
        }
        let others = DemoAccount.all.filter { $0.appID != app }
            .map { "\($0.appID) (\($0.name)\(unverifiedAppIDs.contains($0.appID) ? ", unverified" : ""))" }.joined(separator: ", ")
        Console.line(
            "wxsim api: fake api.weixin.qq.com on http://\(host):\(bound) for AppID \(app) and the demo accounts \(others); set WECHAT_API_BASE=http://\(host == "0.0.0.0" ? "127.0.0.1" : host):\(bound)"
        )
        // Until SIGINT or SIGTERM (ServiceGroup traps them, as in the services).
        let waiter = ServiceGroup(configuration: .init(services: [UntilShutdown()], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try? await waiter.run()
        await fake.stop()
        let delivered = fake.deliveredMessages.count
        Console.line("wxsim api: stopped after \(delivered) delivered repl\(delivered == 1 ? "y" : "ies")")
    }

    /// The AppIDs the fake knows, with their AppSecrets: every demo account, and `appID` (`--appid` or
    /// `WECHAT_APPID`, else the default demo account's) with `secret`.
    static func apps(_ appID: String, secret: String) -> [String: String] {
        var apps = Dictionary(DemoAccount.all.map { ($0.appID, $0.secret) }, uniquingKeysWith: { first, _ in first })
        apps[appID] = secret
        return apps
    }

    private func rejected() throws -> [String: Int] {
        var table: [String: Int] = [:]
        for entry in rejectedOpenIDs {
            guard let colon = entry.lastIndex(of: ":"), let code = Int(entry[entry.index(after: colon)...]), colon > entry.startIndex else {
                throw ValidationError("--reject-openid must be OPENID:ERRCODE, e.g. o_blocked:45015 (got '\(entry)')")
            }
            table[String(entry[..<colon])] = code
        }
        return table
    }
}

/// A service that only waits for the graceful shutdown a signal triggers.
private struct UntilShutdown: Service {
    func run() async throws {
        try? await gracefulShutdown()
    }
}
