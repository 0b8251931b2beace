import Shared

/// The Redis keys of reaching users beyond the reply window, under the account's hash tag `wx:{appid}`
/// (the same prefix as ``QueueKeys``, so one script may touch both on Redis Cluster).
///
/// | key | type | what |
/// | --- | --- | --- |
/// | `wx:{appid}:reach:<openid>` | hash | the user's reply windows: `mu`/`ml`/`mt` (48 h window: until, left, opened by the message of Unix ms) and `eu`/`el`/`et` (1-minute window); 30 days after the last change |
/// | `wx:{appid}:tpl:<msgid>` | hash | a template message sent: `key` (the originating message's dedup key), `index` (its reply), `user`, `sent_at`, then `status`, `finished_at` from its `TEMPLATESENDJOBFINISH`; 7 days |
/// | `wx:{appid}:receipts` | hash | template status → count (`sent`, `success`, `failed:user block`, …) |
/// | `wx:{appid}:receipts:log` | list | the latest 50 receipts, `msgid status key`, newest first |
/// | `wx:{appid}:grants:<openid>` | hash | template_id → one-time subscribe acceptances not used yet (from `subscribe_msg_popup_event`) |
/// | `wx:{appid}:media:<sha256>` | string | the media_id of uploaded bytes, kept 60 h (WeChat keeps temporary media 72 h) |
struct ReachKeys: Sendable, Hashable {
    /// `wx:{appid}`.
    let prefix: String

    init(appID: String) { prefix = QueueKeys(appID: appID).prefix }

    init(queueKeys: QueueKeys) { prefix = queueKeys.prefix }

    func window(_ openID: String) -> String { "\(prefix):reach:\(openID)" }
    func template(_ msgID: String) -> String { "\(prefix):tpl:\(msgID)" }
    var receipts: String { "\(prefix):receipts" }
    var receiptLog: String { "\(prefix):receipts:log" }
    func grants(_ openID: String) -> String { "\(prefix):grants:\(openID)" }
    func media(_ sha256: String) -> String { "\(prefix):media:\(sha256)" }
}
