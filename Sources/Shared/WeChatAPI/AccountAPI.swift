#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The account-management calls (menu, QR codes, callback IPs, user info) with the shared access_token,
/// answered as JSON objects: on 40001/40014/42001 the failed token is expired (compare-and-delete), a
/// fresh one fetched once and the call made once more, as ``CustomerServiceSender`` does for sends.
///
/// ```swift
/// let api = AccountAPI(tokens: tokens)
/// let menu = try await api.get("/cgi-bin/menu/get")
/// ```
public struct AccountAPI: Sendable {
    public let tokens: AccessTokenProvider
    /// The client of the calls (the token provider's, unless one with another timeout is given).
    public let client: WeChatAPIClient

    public init(tokens: AccessTokenProvider, client: WeChatAPIClient? = nil) {
        self.tokens = tokens
        self.client = client ?? tokens.api
    }

    /// `GET path?access_token=…&query`.
    public func get(_ path: String, query: [(String, String)] = []) async throws(WeChatAPIError) -> [String: JSONValue] {
        let client = self.client
        return try await tokens.withToken { token async throws(WeChatAPIError) in try await client.getJSON(path: path, accessToken: token, query: query) }
    }

    /// `POST path?access_token=…` with a JSON body.
    public func post(_ path: String, json body: [UInt8]) async throws(WeChatAPIError) -> [String: JSONValue] {
        let client = self.client
        return try await tokens.withToken { token async throws(WeChatAPIError) in try await client.post(path: path, accessToken: token, body: body) }
    }

    /// `POST path` with `body` encoded as JSON (UTF-8 as is, slashes unescaped: WeChat refuses `\uXXXX`, 40033).
    public func post(_ path: String, object body: JSONValue) async throws(WeChatAPIError) -> [String: JSONValue] {
        try await post(path, json: Self.encode(body))
    }

    /// `value` as compact JSON with sorted keys, non-ASCII characters and slashes written as they are.
    public static func encode(_ value: JSONValue) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? Array(encoder.encode(value))) ?? Array("null".utf8)
    }
}
