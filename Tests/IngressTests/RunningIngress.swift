import Foundation
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// A real `ingress` process for black-box tests: a free port, its own spool folder (unless given one),
/// started and answering `/healthz` before the test goes on; killed by ``stop()``.
struct RunningIngress {
    let process: ServiceProcess
    let port: Int
    let spool: String
    private let ownsSpool: Bool

    /// Starts an ingress on `redisPort` with the environment of ``IngressProcessTests/environment(redisPort:httpPort:spool:)``
    /// plus `extra`, and waits until it serves HTTP.
    static func start(redisPort: Int, spool: String? = nil, extra: [String: String] = [:]) async throws -> RunningIngress {
        let folder = spool ?? FileManager.default.temporaryDirectory.appendingPathComponent("ingress-spool-\(UInt64.random(in: 0...UInt64.max))").path
        let port = try Loopback.freePort()
        var environment = IngressProcessTests.environment(redisPort: redisPort, httpPort: port, spool: folder)
        environment.merge(extra) { $1 }
        let process = try ServiceProcess("ingress", environment: environment)
        let ingress = RunningIngress(process: process, port: port, spool: folder, ownsSpool: spool == nil)
        do {
            try await IngressProcessTests.waitForHTTP(port: port)
        } catch {
            ingress.stop()
            throw error
        }
        return ingress
    }

    /// Kills the process and removes the spool folder it was given by ``start(redisPort:spool:extra:)``.
    func stop() {
        process.stop(signal: SIGKILL)
        if ownsSpool { try? FileManager.default.removeItem(atPath: spool) }
    }

    /// One HTTP request (a connection of its own).
    func send(_ method: String, _ path: String, body: String = "") async throws -> (status: Int, body: String) {
        try await HTTPTestClient.send(port: port, method: method, path: path, body: body)
    }

    /// A signed plaintext text message with this MsgId, as WeChat pushes it.
    func push(id: Int64) async throws -> (status: Int, body: String) {
        try await send("POST", "/wechat?\(IngressHarness.signedQuery())", body: IngressHarness.textMessage(id: id))
    }
}
