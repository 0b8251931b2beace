import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import Tracing

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The raw WeChat API calls this project makes, over one shared AsyncHTTPClient: fetching a token or a
/// ticket, posting a JSON body with a token, and plain GETs. No caching and no retries here: ``AccessTokenProvider`` and
/// ``CustomerServiceSender`` decide those.
///
/// Thread safety: every method may be called from any task; the HTTP client is event-loop driven and
/// never blocks a Swift concurrency thread.
public struct WeChatAPIClient: Sendable {
    /// `https://api.weixin.qq.com` or a fake's loopback URL, without a trailing slash.
    public let baseURL: String
    public let httpClient: HTTPClient
    /// How long one request may take in all: connect, the response head and its body.
    public let timeout: Duration
    /// The largest answer read (WeChat's JSON answers are a few hundred bytes); a longer one is an
    /// invalid response.
    public let maximumAnswerBytes: Int

    public init(baseURL: String, httpClient: HTTPClient, timeout: Duration = .seconds(10), maximumAnswerBytes: Int = 64 << 10) {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base
        self.httpClient = httpClient
        self.timeout = timeout
        self.maximumAnswerBytes = maximumAnswerBytes
    }

    /// An HTTP client sized for `concurrency` requests in flight to one host, that records no spans itself.
    public static func makeHTTPClient(concurrency: Int) -> HTTPClient {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: max(8, concurrency))
        configuration.timeout = .init(connect: .seconds(5), read: .seconds(30))
        // No AsyncHTTPClient spans of its own: they would record `url.query` and `url.full`, which hold the
        // access_token or the AppSecret, and send a `traceparent` to WeChat. ``call`` records the client span.
        configuration.tracing.tracer = nil
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }

    /// Fetches a new token (`stable`: `POST /cgi-bin/stable_token`; `classic`: `GET /cgi-bin/token`).
    public func fetchToken(kind: TokenAPIKind, appID: String, secret: String) async throws(WeChatAPIError) -> AccessToken {
        let reply: [String: JSONValue]
        switch kind {
        case .stable:
            let body = StableTokenRequest(grant_type: "client_credential", appid: appID, secret: secret, force_refresh: false)
            reply = try await call(.POST, path: "/cgi-bin/stable_token", query: [], body: Self.encode(body))
        case .classic:
            reply = try await call(.GET, path: "/cgi-bin/token", query: [("grant_type", "client_credential"), ("appid", appID), ("secret", secret)], body: nil)
        }
        if let code = reply["errcode"]?.int, code != 0 {
            throw .api(errcode: code, errmsg: reply["errmsg"]?.string ?? "")
        }
        guard let token = reply["access_token"]?.string, !token.isEmpty else { throw .invalidResponse("no access_token in the token reply") }
        return AccessToken(value: token, expiresIn: reply["expires_in"]?.int ?? 7200)
    }

    /// Posts a body (JSON unless `contentType` says otherwise) to `path?access_token=…[&query]`; returns
    /// the answer only for `errcode` 0 (or none).
    @discardableResult
    public func post(
        path: String, accessToken: String, body: [UInt8], query: [(String, String)] = [], contentType: String = "application/json; charset=utf-8"
    ) async throws(WeChatAPIError) -> [String: JSONValue] {
        try Self.succeeded(try await call(.POST, path: path, query: [("access_token", accessToken)] + query, body: body, contentType: contentType))
    }

    /// `GET path?access_token=…&query` and returns WeChat's answer; throws for a non-zero `errcode`.
    public func getJSON(path: String, accessToken: String, query: [(String, String)] = []) async throws(WeChatAPIError) -> [String: JSONValue] {
        try await get(path: path, query: [("access_token", accessToken)] + query)
    }

    private static func succeeded(_ reply: [String: JSONValue]) throws(WeChatAPIError) -> [String: JSONValue] {
        if let code = reply["errcode"]?.int, code != 0 {
            throw .api(errcode: code, errmsg: reply["errmsg"]?.string ?? "")
        }
        return reply
    }

    /// `GET path?query`: the answer's JSON object when `errcode` is 0 (or absent), else `.api`. For the
    /// calls that carry their credential in the query (`/sns/*` with the user's web token,
    /// `/cgi-bin/ticket/getticket` with the access_token).
    public func get(path: String, query: [(String, String)]) async throws(WeChatAPIError) -> [String: JSONValue] {
        try Self.succeeded(try await call(.GET, path: path, query: query, body: nil))
    }

    /// `GET /cgi-bin/ticket/getticket?type=jsapi`: a jsapi_ticket (or `wx_card` ticket) for the JS-SDK.
    public func fetchTicket(type: String = "jsapi", accessToken: String) async throws(WeChatAPIError) -> AccessToken {
        let reply = try await get(path: "/cgi-bin/ticket/getticket", query: [("access_token", accessToken), ("type", type)])
        guard let ticket = reply["ticket"]?.string, !ticket.isEmpty else { throw .invalidResponse("no ticket in the getticket reply") }
        return AccessToken(value: ticket, expiresIn: reply["expires_in"]?.int ?? 7200)
    }

    /// One request, in a client span (``TraceNames/apiPrefix`` + path) when traces are on: its method,
    /// path (never the query, which holds the token or secret), HTTP status and errcode.
    private func call(
        _ method: HTTPMethod, path: String, query: [(String, String)], body: [UInt8]?, contentType: String = "application/json; charset=utf-8"
    ) async throws(WeChatAPIError) -> [String: JSONValue] {
        try await RelayTracing.withSpan(TraceNames.apiPrefix + path, ofKind: .client) { span throws(WeChatAPIError) in
            span?.attributes[TraceNames.httpMethod] = method.rawValue
            span?.attributes[TraceNames.urlPath] = path
            let reply = try await exchange(method, path: path, query: query, body: body, contentType: contentType, span: span)
            if let span, let errcode = reply["errcode"]?.int {
                span.attributes[TraceNames.errcode] = errcode
                if errcode != 0 { span.setStatus(SpanStatus(code: .error, message: "errcode \(errcode)")) }
            }
            return reply
        }
    }

    private func exchange(
        _ method: HTTPMethod, path: String, query: [(String, String)], body: [UInt8]?, contentType: String, span: (any Span)?
    ) async throws(WeChatAPIError) -> [String: JSONValue] {
        var url = baseURL + path
        if !query.isEmpty {
            url += "?" + query.map { "\($0.0)=\(PercentEncoding.encode($0.1))" }.joined(separator: "&")
        }
        var request = HTTPClientRequest(url: url)
        request.method = method
        if let body {
            request.headers.add(name: "Content-Type", value: contentType)
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let (status, bytes): (Int, ByteBuffer)
        do {
            // AsyncHTTPClient's timeout ends at the response head; the deadline covers the body too.
            (status, bytes) = try await ExchangeDeadline.run(timeout) { [request, httpClient, timeout, maximumAnswerBytes] in
                let response = try await httpClient.execute(request, timeout: .milliseconds(timeout.milliseconds))
                return (Int(response.status.code), try await response.body.collect(upTo: maximumAnswerBytes))
            }
        } catch is NIOTooManyBytesError {
            throw .invalidResponse("the answer is larger than \(maximumAnswerBytes) bytes")
        } catch {
            throw .transport(String(describing: error))
        }
        span?.attributes[TraceNames.httpStatus] = status
        guard status == 200 else { throw .http(status: status) }
        do {
            return try JSONDecoder().decode([String: JSONValue].self, from: Data(bytes.readableBytesView))
        } catch {
            throw .invalidResponse("not a JSON object")
        }
    }

    private struct StableTokenRequest: Encodable {
        var grant_type: String
        var appid: String
        var secret: String
        var force_refresh: Bool
    }

    private static func encode(_ value: some Encodable) -> [UInt8] {
        (try? Array(JSONEncoder().encode(value))) ?? []
    }
}
