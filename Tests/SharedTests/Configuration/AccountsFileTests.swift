import Foundation
import Shared
import Testing

@Suite struct AccountsFileTests {
    static let key = "DemoDemoDemoDemoDemoDemoDemoDemoDemoDemo12E"
    static let twoAccounts = """
        accounts:
          - appid: wxshop
            name: shop
            original_id: gh_shop
            token: shop-token
            aes_key: \(key)
            secret_env: SHOP_SECRET
            reply_mode: hybrid
            passive_budget_ms: 2500
          - appid: wxblog
            token_env: BLOG_TOKEN
            secret_env: BLOG_SECRET
            reply_mode: passive
            passive_placeholder: "wait"
        """
    let environment = ["SHOP_SECRET": "s1", "BLOG_SECRET": "s2", "BLOG_TOKEN": "t2"]

    func problem(_ text: String, role: RelayConfiguration.Role = .worker, environment: [String: String]? = nil) -> String? {
        do {
            _ = try AccountsFile.parse(text, file: "accounts.yaml", role: role, environment: environment ?? self.environment)
            return nil
        } catch {
            #expect(error.variable == "WECHAT_ACCOUNTS")
            return error.description
        }
    }

    @Test func readsEveryFieldAndResolvesReferences() throws {
        let accounts = try AccountsFile.parse(Self.twoAccounts, file: "accounts.yaml", role: .worker, environment: environment)
        #expect(accounts.map(\.appID) == ["wxshop", "wxblog"])
        #expect(accounts[0].name == "shop")
        #expect(accounts[0].originalID == "gh_shop")
        #expect(accounts[0].token == "shop-token")
        #expect(accounts[0].aesKey == Self.key)
        #expect(accounts[0].secret == "s1")
        #expect(accounts[0].replyMode == .hybrid)
        #expect(accounts[0].passiveBudget == .milliseconds(2_500))
        #expect(accounts[1].name == "wxblog")
        #expect(accounts[1].token == "t2")
        #expect(accounts[1].secret == "s2")
        #expect(accounts[1].replyMode == .passive)
        #expect(accounts[1].passiveBudget == WeChatAccount.defaultPassiveBudget)
        #expect(accounts[1].passivePlaceholder == "wait")
    }

    @Test func theIngressNeedsNoSecretAndTheWorkerNoToken() throws {
        let ingress = try AccountsFile.parse(Self.twoAccounts, file: "a", role: .ingress, environment: ["BLOG_TOKEN": "t2"])
        #expect(ingress.allSatisfy { $0.secret == nil })
        let worker = try AccountsFile.parse("accounts:\n  - appid: wxa\n    secret_env: S\n", file: "a", role: .worker, environment: ["S": "x"])
        #expect(worker[0].token == nil)
        #expect(problem("accounts:\n  - appid: wxa\n    secret_env: S\n", role: .ingress)?.contains("token") == true)
    }

    @Test func secretFromAFileIsTrimmed() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("secret-\(UUID().uuidString)").path
        try "from-file\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let accounts = try AccountsFile.parse("accounts:\n  - appid: wxa\n    secret_file: \(path)\n", file: "a", role: .web, environment: [:])
        #expect(accounts[0].secret == "from-file")
        #expect(problem("accounts:\n  - appid: wxa\n    secret_file: /nonexistent/secret\n")?.contains("cannot be read") == true)
    }

    @Test(arguments: [
        ("accounts:\n  - appid: wxa\n    secret: plain\n", "must not be inline"),
        ("accounts:\n  - appid: wxa\n    secret_env: UNSET\n", "UNSET, which is not set"),
        ("accounts:\n  - appid: wxa\n    secret_env: SHOP_SECRET\n    colour: red\n", "unknown key 'colour'"),
        ("accounts:\n  - appid: wxa\n    secret_env: SHOP_SECRET\n  - appid: wxa\n    secret_env: SHOP_SECRET\n", "already account 1"),
        ("accounts:\n  - name: x\n    secret_env: SHOP_SECRET\n", "appid is required"),
        ("accounts:\n  - appid: wx/../a\n    secret_env: SHOP_SECRET\n", "must be letters"),
        ("accounts:\n  - appid: wxa\n    secret_env: SHOP_SECRET\n    reply_mode: sometimes\n", "reply_mode must be"),
        ("accounts:\n  - appid: wxa\n    secret_env: SHOP_SECRET\n    passive_budget_ms: 6000\n", "passive_budget_ms must be"),
        ("accounts:\n  - appid: wxa\n    secret_env: SHOP_SECRET\n    aes_key: short\n", "43-character"),
        ("accounts:\n  - appid: wxa\n    secret_env: SHOP_SECRET\n    original_id: shop\n", "gh_ id"),
        ("accounts:\n  - appid: wxa\n    token: a\n    token_env: B\n    secret_env: SHOP_SECRET\n", "give one of"),
        ("accounts: []\n", "non-empty list"),
        ("accounts:\n  - appid: [a\n", "not valid YAML"),
        ("users: []\n", "unknown key 'users'"),
    ])
    func badFilesAreOneLineNamingTheProblem(text: String, expected: String) {
        let message = problem(text)
        #expect(message?.contains(expected) == true, "\(message ?? "accepted")")
        #expect(message?.contains("\n") == false)
        #expect(message?.contains("s1") == false)
    }

    @Test func aProblemNamesTheLine() {
        let message = problem("accounts:\n  - appid: wxa\n    secret_env: SHOP_SECRET\n    reply_mode: sometimes\n")
        #expect(message?.contains("accounts.yaml:4") == true, "\(message ?? "")")
    }

    @Test func theFileJoinsTheSingleAccount() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("accounts-\(UUID().uuidString).yaml").path
        try Self.twoAccounts.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        var variables = environment
        variables["WECHAT_ACCOUNTS"] = path
        let fileOnly = try RelayConfiguration(role: .worker, environment: variables)
        #expect(fileOnly.accounts.map(\.appID) == ["wxshop", "wxblog"])
        #expect(fileOnly.appID == "wxshop")
        #expect(fileOnly.appSecret == "s1")

        variables["WECHAT_APPID"] = "wxmain"
        variables["WECHAT_APPSECRET"] = "main-secret"
        variables["WECHAT_REPLY_MODE"] = "passive"
        let both = try RelayConfiguration(role: .worker, environment: variables)
        #expect(both.accounts.map(\.appID) == ["wxmain", "wxshop", "wxblog"])
        #expect(both.account.replyMode == .passive)
        #expect(both.account(appID: "wxblog")?.secret == "s2")

        variables["WECHAT_APPID"] = "wxshop"
        #expect(throws: ConfigurationError.self) { try RelayConfiguration(role: .worker, environment: variables) }
    }

    @Test func singleAccountReplyModeVariables() throws {
        let base = ["WECHAT_APPID": "wx1", "WECHAT_APPSECRET": "s"]
        #expect(try RelayConfiguration(role: .worker, environment: base).account.replyMode == .async)
        #expect(try RelayConfiguration(role: .worker, environment: base).account.passiveBudget == .milliseconds(4_000))
        var variables = base
        variables["WECHAT_REPLY_MODE"] = "Hybrid"
        variables["WECHAT_PASSIVE_BUDGET_MS"] = "1500"
        let configuration = try RelayConfiguration(role: .worker, environment: variables)
        #expect(configuration.account.replyMode == .hybrid)
        #expect(configuration.account.passiveBudget == .milliseconds(1_500))
        variables["WECHAT_REPLY_MODE"] = "later"
        #expect(throws: ConfigurationError.self) { try RelayConfiguration(role: .worker, environment: variables) }
        variables["WECHAT_REPLY_MODE"] = "passive"
        variables["WECHAT_PASSIVE_BUDGET_MS"] = "5000"
        #expect(throws: ConfigurationError.self) { try RelayConfiguration(role: .worker, environment: variables) }
    }
}
