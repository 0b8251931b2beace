import Logging
import Shared
import Synchronization

/// The accounts one ingress serves, by appid, replaced whole on reload (SIGHUP re-reads `WECHAT_ACCOUNTS`
/// and the `WECHAT_*` variables; a request in flight keeps the account it started with).
///
/// `/wechat/{appid}` serves any of them; `/wechat` serves the single account: the `WECHAT_*` one, or the
/// file's only account when there is no other.
final class IngressAccounts: Sendable {
    private struct Table: Sendable {
        var byAppID: [String: IngressAccount]
        var single: IngressAccount?
    }

    private let table: Mutex<Table>
    private let settings: IngressSettings
    private let redis: RedisClient

    init(configuration: RelayConfiguration, settings: IngressSettings, redis: RedisClient) throws(MessageCryptoError) {
        self.settings = settings
        self.redis = redis
        table = Mutex(try Self.table(configuration, settings: settings, redis: redis))
    }

    /// The account behind `/wechat/{appid}`.
    func account(appID: String) -> IngressAccount? { table.withLock { $0.byAppID[appID] } }

    /// The account behind the bare path, nil when several are configured without a `WECHAT_*` one.
    var single: IngressAccount? { table.withLock { $0.single } }

    /// Every account, in no particular order.
    var all: [IngressAccount] { table.withLock { Array($0.byAppID.values) } }

    /// Replaces the accounts with those of `configuration`; on a problem keeps the current ones.
    func reload(_ configuration: RelayConfiguration) throws(MessageCryptoError) {
        let fresh = try Self.table(configuration, settings: settings, redis: redis)
        table.withLock { $0 = fresh }
    }

    private static func table(_ configuration: RelayConfiguration, settings: IngressSettings, redis: RedisClient) throws(MessageCryptoError) -> Table {
        var byAppID: [String: IngressAccount] = [:]
        for account in configuration.accounts {
            byAppID[account.appID] = try IngressAccount(account: account, settings: settings, redis: redis)
        }
        let single = configuration.singleAccountAppID ?? (byAppID.count == 1 ? configuration.accounts.first?.appID : nil)
        return Table(byAppID: byAppID, single: single.flatMap { byAppID[$0] })
    }
}
