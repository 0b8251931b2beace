#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Sends customer-service messages (`/cgi-bin/message/custom/send`) and typing indicators with the
/// shared access_token: on 40001/40014/42001 the failed token is expired (compare-and-delete), a fresh
/// one obtained once, and the request retried once. A second token failure is thrown, never looped on.
public struct CustomerServiceSender: Sendable {
    /// The body of `/cgi-bin/message/custom/typing`.
    private struct TypingCommand: Encodable {
        var touser: String
        var command: String
    }

    public let tokens: AccessTokenProvider
    public let api: WeChatAPIClient
    /// Called after each API call with its path, its duration and the errcode (0 on success, nil when
    /// WeChat did not answer with one).
    public let observe: @Sendable (_ path: String, _ duration: Duration, _ errcode: Int?) -> Void

    public init(tokens: AccessTokenProvider, api: WeChatAPIClient, observe: @escaping @Sendable (String, Duration, Int?) -> Void = { _, _, _ in }) {
        self.tokens = tokens
        self.api = api
        self.observe = observe
    }

    public func send(_ message: CustomerServiceMessage) async throws(WeChatAPIError) {
        try await post(path: "/cgi-bin/message/custom/send", body: message.jsonBody())
    }

    /// `Typing` or `CancelTyping` for one user; failures are the caller's to ignore.
    public func typing(toUser openID: String, on: Bool = true) async throws(WeChatAPIError) {
        // Two strings always encode; an empty body would only earn WeChat's 47001.
        let body = (try? JSONEncoder().encode(TypingCommand(touser: openID, command: on ? "Typing" : "CancelTyping"))).map { Array($0) } ?? []
        try await post(path: "/cgi-bin/message/custom/typing", body: body)
    }

    private func post(path: String, body: [UInt8]) async throws(WeChatAPIError) {
        try await call(path: path, body: body)
    }

    /// Posts `body` to any `path` that takes the access_token (template and subscribe messages, media
    /// uploads) with the same token handling as a send; the answer when its errcode is 0.
    @discardableResult
    public func call(
        path: String, body: [UInt8], query: [(String, String)] = [], contentType: String = "application/json; charset=utf-8"
    ) async throws(WeChatAPIError) -> [String: JSONValue] {
        try await tokens.withToken { token async throws(WeChatAPIError) in
            try await timed(path) { () async throws(WeChatAPIError) in
                try await api.post(path: path, accessToken: token, body: body, query: query, contentType: contentType)
            }
        }
    }

    private func timed<T>(_ path: String, _ call: () async throws(WeChatAPIError) -> T) async throws(WeChatAPIError) -> T {
        let start = ContinuousClock.now
        do {
            let result = try await call()
            observe(path, .now - start, 0)
            return result
        } catch {
            observe(path, .now - start, error.errcode)
            throw error
        }
    }
}
