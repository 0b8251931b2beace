/// The names of the relay's spans and of their attributes (README, Traces): kept stable, since trace
/// queries and dashboards are written against them. No attribute ever holds a whole openid, a token, a
/// secret or a message's text: openids are masked (``DedupKey/maskOpenID(_:)``), dedup keys shown as
/// ``DedupKey/masked``.
public enum TraceNames {
    /// Ingress, server span: one `POST /wechat` push, from its arrival to the answer.
    public static let push = "wechat.push"
    /// Ingress, internal span: making the push safe (Redis, or the spool while Redis is down).
    public static let enqueue = "wechat.enqueue"
    /// Worker, consumer span: one delivery attempt of one message, a child of its push span.
    public static let handle = "wechat.handle"
    /// Worker, internal span: getting an access_token from Redis or WeChat (not from the process's cache).
    public static let token = "wechat.token"
    /// Worker, client span prefix: one call to WeChat's API, named `wechat.api <path>`.
    public static let apiPrefix = "wechat.api "

    public static let account = "wechat.account"
    /// The outcome, spelled as the metric labels it (`wechat_ingress_requests_total{outcome}`,
    /// `wechat_worker_messages_total{outcome}`).
    public static let outcome = "wechat.outcome"
    public static let dedupKey = "wechat.dedup_key"
    public static let openID = "wechat.openid"
    public static let msgType = "wechat.msg_type"
    public static let attempt = "wechat.attempt"
    public static let handler = "wechat.handler"
    public static let replyPath = "wechat.reply_path"
    public static let repliesSent = "wechat.replies_sent"
    public static let deadLetterReason = "wechat.dead_letter_reason"
    public static let errcode = "wechat.errcode"
    /// Where the push went: `redis` or `spool`.
    public static let enqueueTarget = "wechat.enqueue.target"
    /// Where the token came from: `redis` (another process fetched it) or `wechat` (fetched here).
    public static let tokenSource = "wechat.token.source"
    /// Which credential: `access_token (stable API)`, `jsapi_ticket`, … (never its value).
    public static let credential = "wechat.credential"
    public static let tokenWaitedForLock = "wechat.token.waited_for_lock"
    public static let httpMethod = "http.request.method"
    public static let httpStatus = "http.response.status_code"
    public static let urlPath = "url.path"
}
