import Foundation
import TestSupport
import Testing
import WeChatFake

/// The demo accounts as `make run` uses them: the built `wxsim api` knows each one's AppSecret next to
/// the configured AppID, and `wxsim send --account` refuses an account it does not know in one line.
@Suite(.serialized) struct DemoAccountsProcessTests {
    @Test func theFakeAPIKnowsEveryDemoAccountBesideTheConfiguredOne() async throws {
        let port = try Loopback.freePort()
        let api = try ServiceProcess("wxsim", arguments: ["api", "--port", String(port), "--appid", "wxconfigured0001", "--secret", "configured"], environment: [:])
        var started = false
        for _ in 0..<300 {
            if let answer = try? await HTTPTestClient.send(port: port, method: "GET", path: "/wxsim/replies"), answer.status == 200 {
                started = true
                break
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        try #require(started, "wxsim api did not start: \(api.log)")
        for (appID, secret) in DemoAccount.all.map({ ($0.appID, $0.secret) }) + [("wxconfigured0001", "configured")] {
            let answer = try await HTTPTestClient.send(port: port, method: "GET", path: "/cgi-bin/token?grant_type=client_credential&appid=\(appID)&secret=\(secret)")
            #expect(answer.body.contains("\"access_token\""), "\(appID): \(answer.body)")
        }
        // Another account's secret is still wrong for this one.
        let crossed = try await HTTPTestClient.send(port: port, method: "GET", path: "/cgi-bin/token?grant_type=client_credential&appid=\(DemoAccount.shop.appID)&secret=\(DemoAccount.blog.secret)")
        #expect(crossed.body.contains("40125"), "\(crossed.body)")
        // The unverified blog may not use the customer-service API; the verified shop may.
        for (account, errcode) in [(DemoAccount.blog, "48001"), (DemoAccount.shop, "\"errcode\":0")] {
            let token = try await HTTPTestClient.send(
                port: port, method: "GET", path: "/cgi-bin/token?grant_type=client_credential&appid=\(account.appID)&secret=\(account.secret)")
            let accessToken = try #require(token.body.split(separator: "\"").dropFirst(3).first, "\(token.body)")
            let send = try await HTTPTestClient.send(
                port: port, method: "POST", path: "/cgi-bin/message/custom/send?access_token=\(accessToken)",
                body: #"{"touser":"o_reader","msgtype":"text","text":{"content":"hi"}}"#)
            #expect(send.body.contains(errcode), "\(account.name): \(send.body)")
        }
        #expect(api.stop(signal: SIGTERM) == 0)
        #expect(api.log.contains("wxdemo0000000001 (shop), wxdemo0000000002 (blog, unverified)"), "\(api.log)")
    }

    @Test func anUnknownAccountIsOneLineAndExitTwo() async throws {
        let unknown = try await ExecutableRun.run("wxsim", ["send", "--account", "nobody", "hi"], environment: ["WECHAT_ACCOUNTS": ""])
        #expect(unknown.status == 2)
        #expect(unknown.output.split(separator: "\n").count == 1, "\(unknown.output)")
        #expect(unknown.output.contains("no demo account 'nobody' (there are demo, shop, blog)"), "\(unknown.output)")
    }

    @Test func anAccountOfTheFileIsPushedToItsRouteWithItsOriginalIDAndAnswered() async throws {
        let shop = DemoAccount.shop
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("accounts-\(UInt64.random(in: 0...UInt64.max)).yaml").path
        try """
        accounts:
          - appid: \(shop.appID)
            name: \(shop.name)
            original_id: \(shop.originalID)
            token: \(shop.token)
            aes_key: \(shop.aesKey ?? "")
            secret_env: SHOP_APPSECRET
        """.write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let stack = try await DemoStack(accountsFile: file, accountsEnvironment: ["SHOP_APPSECRET": shop.secret])
        let to = ["--to", "http://127.0.0.1:\(stack.ingressPort)/wechat", "--api", "http://127.0.0.1:\(stack.apiPort)"]
        let sent = try await ExecutableRun.run(
            "wxsim", ["send"] + to + ["--accounts", file, "--account", "shop", "--from", "o_shopper", "--wait", "30", "hello shop"])
        #expect(sent.status == 0, "\(sent.output)")
        #expect(sent.output.contains("→ safe push from o_shopper, delivery 1: HTTP 200 success"), "\(sent.output)")
        // The worker answered it as the shop: with the shop's AppSecret, through the shop's access_token.
        #expect(sent.output.contains("← o_shopper  hello shop"), "\(sent.output)")
        #expect(await stack.api.waitForLog(containing: "← o_shopper  hello shop"))
        // The shop's own Token and key, but the default account's ToUserName: the ingress refuses it.
        let keys = ["--appid", shop.appID, "--token", shop.token, "--aes-key", shop.aesKey ?? ""]
        let route = ["--to", "http://127.0.0.1:\(stack.ingressPort)/wechat/\(shop.appID)", "--api", "http://127.0.0.1:\(stack.apiPort)"]
        let misaddressed = try await ExecutableRun.run("wxsim", ["send"] + route + keys + ["--from", "o_shopper", "lost?"])
        #expect(misaddressed.status == 1)
        #expect(misaddressed.output.contains("HTTP 403"), "\(misaddressed.output)")
        let addressed = try await ExecutableRun.run("wxsim", ["send"] + route + keys + ["--original-id", shop.originalID, "--from", "o_shopper", "found"])
        #expect(addressed.output.contains("HTTP 200 success"), "\(addressed.output)")
    }
}
