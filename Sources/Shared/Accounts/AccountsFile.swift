import Foundation
import Yams

/// Reads the accounts file (`WECHAT_ACCOUNTS`): every Official Account one deployment serves.
///
/// ```yaml
/// accounts:
///   - appid: wx1234567890abcdef        # required: the {appid} of /wechat/{appid} and of the Redis keys
///     name: shop                       # for logs, metrics and `worker status` (default: the appid)
///     original_id: gh_0123456789ab     # a push's ToUserName must be this
///     token: the-console-token         # or token_env / token_file
///     aes_key: <43 characters>         # safe/compatible mode; or aes_key_env / aes_key_file
///     aes_key_previous: <43 characters># while rotating; or aes_key_previous_env / _file
///     secret_env: SHOP_APPSECRET       # the AppSecret, from a variable; or secret_file: /run/secrets/shop
///     reply_mode: async                # async | passive | hybrid
///     passive_budget_ms: 4000          # 100..4800
///     passive_placeholder: "…"         # what the last delivery answers in passive mode when not ready
/// ```
///
/// The AppSecret is never inline (`secret:` is refused): it grants the whole account's API, so it lives in
/// an environment variable or a mounted secret. Which values are required depends on the service: the
/// ingress needs each account's token, the worker and `web` its secret. Every problem is one
/// ``ConfigurationError`` naming the file, the account and the line.
public enum AccountsFile {
    /// The keys an entry may have (anything else is refused, so a typo does not silently do nothing).
    static let knownKeys: Set<String> = [
        "appid", "name", "original_id", "token", "token_env", "token_file", "aes_key", "aes_key_env", "aes_key_file",
        "aes_key_previous", "aes_key_previous_env", "aes_key_previous_file", "secret_env", "secret_file",
        "reply_mode", "passive_budget_ms", "passive_placeholder",
    ]

    /// Reads and checks the file at `path`; `environment` resolves `*_env` references.
    public static func load(path: String, role: RelayConfiguration.Role, environment: [String: String]) throws(ConfigurationError) -> [WeChatAccount] {
        let text: String
        do {
            text = try YAMLFile.read(path: path)
        } catch {
            throw ConfigurationError(variable: "WECHAT_ACCOUNTS", problem: "(\(path)) \(error.problem)")
        }
        return try parse(text, file: path, role: role, environment: environment)
    }

    public static func parse(_ text: String, file: String, role: RelayConfiguration.Role, environment: [String: String]) throws(ConfigurationError) -> [WeChatAccount] {
        func fail(_ node: Node?, _ problem: String) -> ConfigurationError {
            let line = node?.mark.map { ":\($0.line)" } ?? ""
            return ConfigurationError(variable: "WECHAT_ACCOUNTS", problem: "(\(file)\(line)) \(problem)")
        }
        let root: Node?
        do {
            root = try YAMLFile.compose(text)
        } catch {
            throw ConfigurationError(variable: "WECHAT_ACCOUNTS", problem: "(\(file)\(error.line.map { ":\($0)" } ?? "")) \(error.problem)")
        }
        guard let root, let top = root.mapping else { throw fail(root, "the top level must be a mapping with an `accounts:` list") }
        for (key, _) in top where key.string != "accounts" {
            throw fail(key, "unknown key '\(key.string ?? "?")' (the file holds `accounts:` only)")
        }
        guard let list = top["accounts"]?.sequence, !list.isEmpty else { throw fail(root, "`accounts:` must be a non-empty list") }

        var accounts: [WeChatAccount] = []
        var seen: [String: Int] = [:]
        for (index, entry) in list.enumerated() {
            let account = try parseEntry(entry, number: index + 1, role: role, environment: environment, fail: fail)
            if let earlier = seen[account.appID] {
                throw fail(entry, "account \(index + 1): appid \(account.appID) is already account \(earlier)")
            }
            seen[account.appID] = index + 1
            accounts.append(account)
        }
        return accounts
    }

    private static func parseEntry(
        _ entry: Node, number: Int, role: RelayConfiguration.Role, environment: [String: String], fail: (Node?, String) -> ConfigurationError
    ) throws(ConfigurationError) -> WeChatAccount {
        guard let mapping = entry.mapping else { throw fail(entry, "account \(number) must be a mapping (appid, token, secret_env, …)") }
        var fields: [String: Node] = [:]
        for (key, value) in mapping {
            let name = key.string ?? ""
            if name == "secret" || name == "appsecret" {
                throw fail(key, "account \(number): the AppSecret must not be inline; use secret_env (a variable) or secret_file (a mounted secret)")
            }
            guard knownKeys.contains(name) else {
                throw fail(key, "account \(number): unknown key '\(name)' (known: \(knownKeys.sorted().joined(separator: ", ")))")
            }
            fields[name] = value
        }
        func text(_ key: String) throws(ConfigurationError) -> String? {
            guard let node = fields[key] else { return nil }
            guard let value = node.scalar?.string else { throw fail(node, "account \(number): \(key) must be a string") }
            let trimmed = value.trimmingWhitespace
            return trimmed.isEmpty ? nil : trimmed
        }
        guard let appID = try text("appid") else { throw fail(entry, "account \(number): appid is required") }
        guard appID.count <= 64, appID.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }) else {
            throw fail(fields["appid"], "account \(number): appid '\(appID)' must be letters, digits, _ or - (at most 64)")
        }
        let label = "account \(number) (\(appID))"

        /// A value given inline, by `<key>_env` or by `<key>_file` (at most one of them).
        func reference(_ key: String, inline: Bool) throws(ConfigurationError) -> String? {
            let given = [key, "\(key)_env", "\(key)_file"].filter { fields[$0] != nil }
            if given.count > 1 { throw fail(fields[given[1]], "\(label): give one of \(given.joined(separator: ", "))") }
            if inline, let value = try text(key) { return value }
            if let variable = try text("\(key)_env") {
                guard let value = EnvironmentReader(environment).string(variable) else {
                    throw fail(fields["\(key)_env"], "\(label): \(key)_env names \(variable), which is not set")
                }
                return value
            }
            if let path = try text("\(key)_file") {
                do {
                    let value = try String(contentsOfFile: path, encoding: .utf8).trimmingWhitespace
                    guard !value.isEmpty else { throw fail(fields["\(key)_file"], "\(label): \(key)_file \(path) is empty") }
                    return value
                } catch let error as ConfigurationError {
                    throw error
                } catch {
                    throw fail(fields["\(key)_file"], "\(label): \(key)_file \(path) cannot be read")
                }
            }
            return nil
        }

        let token = try reference("token", inline: true)
        if role == .ingress, token == nil { throw fail(entry, "\(label): token (or token_env, token_file) is required by the ingress") }
        let aesKey = try checkedAESKey(try reference("aes_key", inline: true), key: "aes_key", label: label, node: fields["aes_key"], fail: fail)
        let previous = try checkedAESKey(
            try reference("aes_key_previous", inline: true), key: "aes_key_previous", label: label, node: fields["aes_key_previous"], fail: fail)
        // The secret is resolved only where it is used, so an ingress needs no AppSecret in its environment.
        let secret: String?
        if role == .worker || role == .web {
            secret = try reference("secret", inline: false)
            if secret == nil { throw fail(entry, "\(label): secret_env or secret_file is required (the AppSecret)") }
        } else {
            secret = nil
        }
        let originalID = try text("original_id")
        if let originalID, !originalID.hasPrefix("gh_") {
            throw fail(fields["original_id"], "\(label): original_id must be the account's gh_ id, got '\(originalID)'")
        }
        var replyMode = ReplyMode.async
        if let modeName = try text("reply_mode") {
            guard let mode = ReplyMode(rawValue: modeName.lowercased()) else {
                throw fail(fields["reply_mode"], "\(label): reply_mode must be async, passive or hybrid, got '\(modeName)'")
            }
            replyMode = mode
        }
        var budget = WeChatAccount.defaultPassiveBudget
        if let budgetText = try text("passive_budget_ms") {
            let range = RelayConfiguration.passiveBudgetRange
            guard let milliseconds = Int(budgetText), range.contains(milliseconds) else {
                throw fail(fields["passive_budget_ms"], "\(label): passive_budget_ms must be a whole number from \(range.lowerBound) to \(range.upperBound), got '\(budgetText)'")
            }
            budget = .milliseconds(milliseconds)
        }
        return WeChatAccount(
            appID: appID, originalID: originalID, token: token, aesKey: aesKey, previousAESKey: previous, secret: secret, replyMode: replyMode,
            passiveBudget: budget, passivePlaceholder: try text("passive_placeholder") ?? WeChatAccount.defaultPassivePlaceholder,
            name: try text("name"))
    }

    private static func checkedAESKey(
        _ key: String?, key name: String, label: String, node: Node?, fail: (Node?, String) -> ConfigurationError
    ) throws(ConfigurationError) -> String? {
        guard let key else { return nil }
        guard EncodingAESKey.isWellFormed(key) else {
            throw fail(node, "\(label): \(name) must be the 43-character EncodingAESKey from the WeChat console")
        }
        return key
    }
}
