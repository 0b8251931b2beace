import Foundation
import Shared
import TestSupport

/// What `make run` starts, as child processes on free loopback ports: `wxsim api`, the `ingress` in safe
/// mode and one `worker`, for a fresh AppID on the test Redis (and, given an accounts file, its accounts
/// too, on `/wechat/{appid}`). Every process is killed when the stack goes away (each ``ServiceProcess``
/// SIGKILLs its child in deinit), also when a test fails.
final class DemoStack: Sendable {
    let appID = "wxsim\(UInt64.random(in: 0...UInt64.max))"
    let token = "stack-token"
    let secret = "stack-secret"
    let aesKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
    let apiPort: Int
    let ingressPort: Int
    let api: ServiceProcess
    let ingress: ServiceProcess
    let worker: ServiceProcess

    /// - Parameters:
    ///   - accountsFile: `WECHAT_ACCOUNTS` for the ingress and the worker, with `accountsEnvironment` (the
    ///     variables its `secret_env` and `token_env` name).
    ///   - environment: more for both the ingress and the worker (e.g. `WECHAT_REPLY_MODE`).
    ///   - unverified: `wxsim api` answers 48001 to the account's customer-service sends.
    init(
        apiArguments: [String] = [], accountsFile: String? = nil, accountsEnvironment: [String: String] = [:], environment: [String: String] = [:],
        unverified: Bool = false
    ) async throws {
        let redisURL = try TestRedis.urlText()
        apiPort = try Loopback.freePort()
        ingressPort = try Loopback.freePort()
        api = try ServiceProcess(
            "wxsim", arguments: ["api", "--port", String(apiPort), "--appid", appID, "--secret", secret] + apiArguments + (unverified ? ["--unverified", appID] : []),
            environment: [:])
        let spool = FileManager.default.temporaryDirectory.appendingPathComponent("wxsim-spool-\(UInt64.random(in: 0...UInt64.max))").path
        let accounts = accountsEnvironment.merging(accountsFile.map { ["WECHAT_ACCOUNTS": $0] } ?? [:]) { $1 }
        ingress = try ServiceProcess(
            "ingress",
            environment: accounts.merging([
                "REDIS_URL": redisURL, "WECHAT_TOKEN": token, "WECHAT_APPID": appID, "WECHAT_AES_KEY": aesKey,
                "INGRESS_HOST": "127.0.0.1", "INGRESS_PORT": String(ingressPort), "INGRESS_SPOOL_DIR": spool,
            ]) { $1 }.merging(environment) { $1 })
        worker = try ServiceProcess(
            "worker",
            environment: accounts.merging([
                "REDIS_URL": redisURL, "WECHAT_APPID": appID, "WECHAT_APPSECRET": secret,
                "WECHAT_API_BASE": "http://127.0.0.1:\(apiPort)", "WORKER_METRICS_PORT": "off",
            ]) { $1 }.merging(environment) { $1 })
        try await waitUntilServing(port: apiPort, path: "/wxsim/replies", process: api)
        try await waitUntilServing(port: ingressPort, path: "/readyz", process: ingress)
    }

    /// The flags that point a `wxsim send|chat|load` at this stack.
    var accountArguments: [String] {
        ["--to", "http://127.0.0.1:\(ingressPort)/wechat", "--api", "http://127.0.0.1:\(apiPort)", "--appid", appID, "--token", token, "--aes-key", aesKey]
    }

    /// Runs `wxsim ARGUMENTS` (with this stack's account flags after the subcommand) to its end.
    func wxsim(_ subcommand: String, _ arguments: [String] = [], input: String? = nil) async throws -> ExecutableRun {
        try await ExecutableRun.run("wxsim", [subcommand] + accountArguments + arguments, input: input)
    }

    private func waitUntilServing(port: Int, path: String, process: ServiceProcess) async throws {
        for _ in 0..<300 {
            if let answer = try? await HTTPTestClient.send(port: port, method: "GET", path: path), answer.status == 200 { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw HTTPTestClient.Failure(description: "\(process.name) did not start serving on port \(port); its log:\n\(process.log)")
    }
}
