#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A customer-service (客服) message: the JSON body of
/// `POST /cgi-bin/message/custom/send?access_token=…`, the way to answer a user after the 5 s of a
/// passive reply are over (within the 48 h / quota window WeChat allows).
///
/// Body: `{"touser":"OPENID","msgtype":"<type>","<type>":{…},"customservice":{"kf_account":"…"}}`,
/// `customservice` only when ``kfAccount`` is set. The value is `Codable` in exactly that form, so a
/// worker can also store and reload it.
public struct CustomerServiceMessage: Sendable, Hashable {
    /// The recipient's OpenID.
    public var toUser: String
    public var content: Content
    /// Send as this KF account (`prefix@account`), or nil for the default.
    public var kfAccount: String?

    public init(toUser: String, content: Content, kfAccount: String? = nil) {
        self.toUser = toUser
        self.content = content
        self.kfAccount = kfAccount
    }

    /// The request body: compact UTF-8 JSON (non-ASCII and `/` left unescaped, keys sorted).
    public func jsonBody() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding plain strings and structs cannot fail; an empty body would be refused by WeChat.
        return (try? Array(encoder.encode(self))) ?? []
    }

    /// Reads a body back (tests, stored messages).
    public init(jsonBody: [UInt8]) throws(CustomerServiceMessageError) {
        do {
            self = try JSONDecoder().decode(Self.self, from: Data(jsonBody))
        } catch {
            throw CustomerServiceMessageError(description: String(describing: error))
        }
    }
}

/// A customer-service JSON body that could not be read back.
public struct CustomerServiceMessageError: Error, Sendable, Hashable, CustomStringConvertible {
    public var description: String
}
