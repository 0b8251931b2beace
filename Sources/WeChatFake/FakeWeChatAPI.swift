import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Shared
import Synchronization

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A fake `api.weixin.qq.com` on a free loopback port (127.0.0.1 only), in process: the test suites use
/// it directly and `wxsim api` wraps it.
///
/// It serves `/cgi-bin/token` (classic), `/cgi-bin/stable_token`, `/cgi-bin/message/custom/send` and
/// `/cgi-bin/message/custom/typing`, web-page OAuth and the JS-SDK's ticket (FakeWeChatAPI+Web.swift),
/// template and subscribe messages, media uploads and the users' reply windows (FakeWeChatAPI+Reach.swift),
/// validating like WeChat: unknown appid → 40013, wrong secret →
/// 40125, missing token → 41001, unknown token → 40001, expired token → 42001, `custom/send` or `typing`
/// for an account marked unverified (``unverified``, `wxsim api --unverified`) → 48001, a body that is not a
/// customer-service message → 47001, no `touser` → 40003, a bad typing command → 45072. Every call is
/// recorded (``calls``), and ``faults`` injects -1, HTTP 500, latency, token expiry and a permanent
/// errcode per openid.
///
/// ```swift
/// let fake = FakeWeChatAPI(apps: ["wx123": "secret"])
/// try await fake.start()
/// // point WECHAT_API_BASE at fake.baseURL ...
/// #expect(fake.deliveredMessages.count == 1)
/// await fake.stop()
/// ```
public final class FakeWeChatAPI: Sendable {
    public static let sendPath = "/cgi-bin/message/custom/send"
    public static let typingPath = "/cgi-bin/message/custom/typing"
    /// `GET /wxsim/replies?after=SEQ&wait=SECONDS`: the sends received after `SEQ` as ``FakeWeChatReplies``
    /// JSON, waiting up to `wait` seconds (at most 30) for one to arrive (no `after`: none, only `next`). Not a WeChat endpoint: it lets
    /// `wxsim chat` and `wxsim load` in other processes see the replies.
    public static let repliesPath = "/wxsim/replies"

    struct TokenRecord {
        var appID: String
        var expiresAt: ContinuousClock.Instant
    }

    struct State {
        var apps: [String: String]
        /// AppIDs without the customer-service permission (unverified accounts): 48001 on `custom/send`.
        var unverified: Set<String> = []
        var faults: FakeWeChatFaults
        var tokens: [String: TokenRecord] = [:]
        var stableToken: [String: String] = [:]
        var classicTokens: [String: [String]] = [:]
        var issued = 0
        var successfulSends = 0
        var sendsInFlight = 0
        var calls: [FakeWeChatCall] = []
        var port: Int?
        var task: Task<Void, any Error>?
        var group: ServiceGroup?
        /// Set by ``stop()``: long-polls answer at once, so shutdown need not wait out their `wait`.
        var isStopping = false
        /// Web-page OAuth and the JS-SDK (``FakeWebState``).
        var web = FakeWebState()
        /// Reply windows, templates, subscribe grants, media (``FakeReachState``).
        var reach = FakeReachState()
    }

    let state: Mutex<State>
    /// Seconds of validity of issued tokens (`expires_in`).
    public let tokenLifetimeSeconds: Int
    /// How long a classic token stays valid after a newer one was issued (WeChat: about 5 minutes).
    public let classicOverlap: Duration
    private let onCall: (@Sendable (FakeWeChatCall) -> Void)?
    /// The account's menus, QR codes, callback IPs and followers' profiles (``FakeOfficialAccount``).
    public let account = FakeOfficialAccount()
    private let logger: Logger

    /// - Parameters:
    ///   - apps: the AppIDs it knows, with their AppSecrets.
    ///   - onCall: called after every answered request (`wxsim api` prints the chat line from it).
    ///   - unverified: AppIDs of unverified accounts, whose customer-service calls answer 48001.
    public init(
        apps: [String: String], faults: FakeWeChatFaults = FakeWeChatFaults(), tokenLifetimeSeconds: Int = 7200,
        classicOverlap: Duration = .seconds(300), unverified: Set<String> = [], logger: Logger = Logger(label: "wechat-fake"),
        onCall: (@Sendable (FakeWeChatCall) -> Void)? = nil
    ) {
        state = Mutex(State(apps: apps, unverified: unverified, faults: faults))
        self.tokenLifetimeSeconds = tokenLifetimeSeconds
        self.classicOverlap = classicOverlap
        self.onCall = onCall
        self.logger = logger
    }

    deinit {
        state.withLock { $0.task?.cancel() }
    }

    // MARK: Lifecycle

    /// Starts listening on `host:port` (0 = a free port) and returns the port once it accepts connections.
    /// Keep the default loopback host except inside a container network.
    @discardableResult
    public func start(host: String = "127.0.0.1", port: Int = 0) async throws -> Int {
        let router = Router()
        router.post("/cgi-bin/stable_token") { request, _ in await self.stableToken(request) }
        router.get("/cgi-bin/token") { request, _ in await self.classicToken(request) }
        router.post(RouterPath(Self.sendPath)) { request, _ in await self.customerService(request, path: Self.sendPath) }
        router.post(RouterPath(Self.typingPath)) { request, _ in await self.customerService(request, path: Self.typingPath) }
        router.get(RouterPath(Self.repliesPath)) { request, _ in await self.replies(request) }
        addWebRoutes(to: router)
        registerAccountRoutes(on: router)
        addReachRoutes(to: router)
        let (stream, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(host, port: port), serverName: "wechat-fake"),
            onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? 0) },
            logger: logger
        )
        let group = ServiceGroup(services: [app], gracefulShutdownSignals: [], logger: logger)
        let task = Task { try await group.run() }
        state.withLock {
            $0.task = task
            $0.group = group
            $0.isStopping = false
        }
        var bound = 0
        for await value in stream {
            bound = value
            break
        }
        guard bound > 0 else { throw FakeWeChatAPIError(description: "the fake WeChat API did not start") }
        state.withLock { $0.port = bound }
        return bound
    }

    /// Stops the server.
    public func stop() async {
        let (task, group) = state.withLock { state -> (Task<Void, any Error>?, ServiceGroup?) in
            defer {
                state.task = nil
                state.group = nil
            }
            state.isStopping = true
            return (state.task, state.group)
        }
        await group?.triggerGracefulShutdown()
        _ = try? await task?.value
    }

    /// The port it listens on (0 before ``start(port:)``).
    public var port: Int { state.withLock { $0.port ?? 0 } }
    /// `http://127.0.0.1:PORT`, the `WECHAT_API_BASE` for the services under test.
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    // MARK: Control and inspection

    /// The injected faults; set them at any time.
    public var faults: FakeWeChatFaults {
        get { state.withLock { $0.faults } }
        set { state.withLock { $0.faults = newValue } }
    }

    /// Makes every token issued so far expired (the next use answers 42001).
    public func expireTokensNow() {
        state.withLock { state in
            for key in state.tokens.keys { state.tokens[key]?.expiresAt = .now }
        }
    }

    /// Makes the tokens issued so far to `appID` expired, and no other account's.
    public func expireTokens(appID: String) {
        state.withLock { state in
            for (key, record) in state.tokens where record.appID == appID { state.tokens[key]?.expiresAt = .now }
        }
    }

    /// Every call answered so far, in order.
    public var calls: [FakeWeChatCall] { state.withLock { $0.calls } }

    /// Tokens issued so far by either token endpoint (a stable_token call that returned the current
    /// token again does not count).
    public var tokensIssued: Int { state.withLock { $0.issued } }

    /// Successful calls to the token endpoints (issued or returned again).
    public var tokenFetches: Int {
        state.withLock { $0.calls.filter { ($0.path == "/cgi-bin/token" || $0.path == "/cgi-bin/stable_token") && $0.errcode == 0 }.count }
    }

    /// Customer-service sends that have arrived and are not answered yet (held by ``FakeWeChatFaults/latency``):
    /// replies on the wire, for tests that break something while they are.
    public var sendsInFlight: Int { state.withLock { $0.sendsInFlight } }

    /// The customer-service messages WeChat would have delivered, in order.
    public var deliveredMessages: [CustomerServiceMessage] {
        state.withLock { $0.calls.compactMap { $0.isDeliveredMessage ? $0.message : nil } }
    }

    // MARK: Handlers

    private func stableToken(_ request: Request) async -> Response {
        let body = await Self.body(of: request)
        await delay()
        guard let json = try? JSONDecoder().decode([String: JSONValue].self, from: Data(body)) else {
            return answer(path: "/cgi-bin/stable_token", errcode: 47001, errmsg: "data format error", body: body)
        }
        let force = json["force_refresh"].flatMap { if case .bool(let value) = $0 { return value } else { return nil } } ?? false
        return issueToken(
            path: "/cgi-bin/stable_token", grantType: json["grant_type"]?.string, appID: json["appid"]?.string,
            secret: json["secret"]?.string, body: body, stable: true, force: force)
    }

    private func classicToken(_ request: Request) async -> Response {
        await delay()
        let query = request.uri.queryParameters
        return issueToken(
            path: "/cgi-bin/token", grantType: query["grant_type"].map(String.init), appID: query["appid"].map(String.init),
            secret: query["secret"].map(String.init), body: [], stable: false, force: true)
    }

    private func issueToken(path: String, grantType: String?, appID: String?, secret: String?, body: [UInt8], stable: Bool, force: Bool) -> Response {
        guard grantType == "client_credential" else { return answer(path: path, errcode: 40002, errmsg: "invalid grant_type", body: body) }
        let outcome = state.withLock { state -> (Int, String, String?) in
            guard let appID, let expected = state.apps[appID] else { return (40013, "invalid appid", nil) }
            guard secret == expected else { return (40125, "invalid appsecret", nil) }
            if stable, !force, let current = state.stableToken[appID], let record = state.tokens[current], record.expiresAt > .now {
                return (0, "ok", current)
            }
            state.issued += 1
            let token = "FAKE_\(appID)_\(state.issued)_\(UInt32.random(in: 0...UInt32.max))"
            state.tokens[token] = TokenRecord(appID: appID, expiresAt: .now + .seconds(tokenLifetimeSeconds))
            let retired = stable ? (state.stableToken[appID].map { [$0] } ?? []) : (state.classicTokens[appID] ?? [])
            let overlapEnd = ContinuousClock.now + classicOverlap
            for previous in retired {
                if var record = state.tokens[previous] {
                    record.expiresAt = min(record.expiresAt, overlapEnd)
                    state.tokens[previous] = record
                }
            }
            if stable { state.stableToken[appID] = token } else { state.classicTokens[appID] = [token] }
            return (0, "ok", token)
        }
        guard let token = outcome.2 else { return answer(path: path, errcode: outcome.0, errmsg: outcome.1, appID: appID, body: body) }
        record(FakeWeChatCall(path: path, status: 200, errcode: 0, appID: appID, message: nil, body: String(decoding: body, as: UTF8.self), receivedAt: WallClock.milliseconds()))
        return Self.json(#"{"access_token":"\#(token)","expires_in":\#(tokenLifetimeSeconds)}"#)
    }

    private func customerService(_ request: Request, path: String) async -> Response {
        let arrived = WallClock.milliseconds()
        let isSend = path == Self.sendPath
        if isSend { state.withLock { $0.sendsInFlight += 1 } }
        defer { if isSend { state.withLock { $0.sendsInFlight -= 1 } } }
        let body = await Self.body(of: request)
        await delay()
        let token = request.uri.queryParameters["access_token"].map(String.init)
        let text = String(decoding: body, as: UTF8.self)
        guard let token, !token.isEmpty else { return answer(path: path, errcode: 41001, errmsg: "access_token missing", body: body, arrivedAt: arrived) }
        let (appID, tokenError) = check(accessToken: token)
        if let tokenError {
            return answer(
                path: path, errcode: tokenError, errmsg: tokenError == 42001 ? "access_token expired" : "invalid credential, access_token is invalid or not latest", appID: appID, body: body,
                arrivedAt: arrived)
        }
        if let appID, state.withLock({ $0.unverified.contains(appID) }) {
            return answer(path: path, errcode: 48001, errmsg: "api unauthorized", appID: appID, body: body, arrivedAt: arrived)
        }
        let faults = self.faults
        if faults.http500Rate > 0, Double.random(in: 0..<1) < faults.http500Rate {
            record(FakeWeChatCall(path: path, status: 500, errcode: nil, appID: appID, message: nil, body: text, receivedAt: arrived))
            return Response(status: .internalServerError, headers: [.contentType: "text/html"], body: ResponseBody(byteBuffer: ByteBuffer(string: "<html>500 Internal Server Error</html>")))
        }
        if faults.failRate > 0, Double.random(in: 0..<1) < faults.failRate {
            return answer(path: path, errcode: -1, errmsg: "system error", appID: appID, body: body, arrivedAt: arrived)
        }
        if path == Self.typingPath {
            guard let json = try? JSONDecoder().decode([String: JSONValue].self, from: Data(body)), let user = json["touser"]?.string, !user.isEmpty else {
                return answer(path: path, errcode: 40003, errmsg: "invalid openid", appID: appID, body: body, arrivedAt: arrived)
            }
            guard json["command"]?.string == "Typing" || json["command"]?.string == "CancelTyping" else {
                return answer(path: path, errcode: 45072, errmsg: "command invalid", appID: appID, body: body, arrivedAt: arrived)
            }
            return answer(path: path, errcode: 0, errmsg: "ok", appID: appID, body: body, arrivedAt: arrived)
        }
        guard let message = try? CustomerServiceMessage(jsonBody: body) else {
            return answer(path: path, errcode: 47001, errmsg: "data format error", appID: appID, body: body, arrivedAt: arrived)
        }
        guard !message.toUser.isEmpty else { return answer(path: path, errcode: 40003, errmsg: "invalid openid", appID: appID, body: body, arrivedAt: arrived) }
        if case .text(let content) = message.content, content.isEmpty {
            return answer(path: path, errcode: 44003, errmsg: "empty news data", appID: appID, body: body, arrivedAt: arrived)
        }
        if let code = faults.rejectedOpenIDs[message.toUser] {
            return answer(path: path, errcode: code, errmsg: WeChatErrorCode(code).meaning ?? "rejected", appID: appID, message: message, body: body, arrivedAt: arrived)
        }
        if let refusal = reachRefusal(for: message) {
            return answer(path: path, errcode: refusal.errcode, errmsg: refusal.errmsg, appID: appID, message: message, body: body, arrivedAt: arrived)
        }
        let expireNow = state.withLock { state -> Bool in
            state.successfulSends += 1
            return state.faults.expireTokenEvery > 0 && state.successfulSends % state.faults.expireTokenEvery == 0
        }
        let response = answer(path: path, errcode: 0, errmsg: "ok", appID: appID, message: message, body: body, arrivedAt: arrived)
        if expireNow { expireTokensNow() }
        return response
    }

    /// The AppID an access_token belongs to, and the errcode WeChat answers for it (40001 unknown,
    /// 42001 expired; nil when valid).
    func check(accessToken token: String) -> (appID: String?, errcode: Int?) {
        state.withLock { state -> (String?, Int?) in
            guard let record = state.tokens[token] else { return (nil, 40001) }
            return (record.appID, record.expiresAt > .now ? nil : 42001)
        }
    }

    private func replies(_ request: Request) async -> Response {
        let query = request.uri.queryParameters
        // No `after`: nothing but the current position, for a client that wants only what comes next.
        let after = query["after"].flatMap { Int(String($0)) } ?? Int.max - 1
        let wait = min(max(query["wait"].flatMap { Double(String($0)) } ?? 0, 0), 30)
        let deadline = ContinuousClock.now + .milliseconds(Int(wait * 1000))
        while true {
            let (found, isStopping) = state.withLock { state -> (FakeWeChatReplies, Bool) in
                let start = min(max(after + 1, 0), state.calls.count)
                let replies = state.calls.indices.dropFirst(start).compactMap { index in
                    state.calls[index].path == Self.sendPath ? FakeWeChatReply(seq: index, call: state.calls[index]) : nil
                }
                return (FakeWeChatReplies(replies: replies, next: state.calls.count - 1), state.isStopping)
            }
            if !found.replies.isEmpty || isStopping || ContinuousClock.now >= deadline {
                let data = (try? JSONEncoder().encode(found)) ?? Data("{}".utf8)
                return Self.json(String(decoding: data, as: UTF8.self))
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    // MARK: Helpers

    func answer(
        path: String, errcode: Int, errmsg: String, appID: String? = nil, message: CustomerServiceMessage? = nil, body: [UInt8],
        arrivedAt: Int64 = WallClock.milliseconds()
    ) -> Response {
        record(FakeWeChatCall(path: path, status: 200, errcode: errcode, appID: appID, message: message, body: String(decoding: body, as: UTF8.self), receivedAt: arrivedAt))
        return Self.json(#"{"errcode":\#(errcode),"errmsg":"\#(errmsg)"}"#)
    }

    func record(_ call: FakeWeChatCall) {
        state.withLock { $0.calls.append(call) }
        onCall?(call)
    }

    func delay() async {
        let faults = self.faults
        var latency = faults.latency
        if faults.latencyJitter > .zero { latency += faults.latencyJitter * Double.random(in: 0...1) }
        if latency > .zero { try? await Task.sleep(for: latency) }
    }

    static func body(of request: Request) async -> [UInt8] {
        guard let buffer = try? await request.body.collect(upTo: 1 << 20) else { return [] }
        return Array(buffer.readableBytesView)
    }

    static func json(_ text: String) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}

/// The fake could not start.
public struct FakeWeChatAPIError: Error, Sendable, CustomStringConvertible {
    public var description: String
}
