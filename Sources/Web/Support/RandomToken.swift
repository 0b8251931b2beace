/// Unguessable identifiers (OAuth `state`, hand-off tickets, JS-SDK nonces) from the system's
/// cryptographic generator, in WeChat's `state` alphabet (`a-zA-Z0-9`).
enum RandomToken {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8)

    /// `count` characters; 32 carry about 190 bits.
    static func make(_ count: Int = 32) -> String {
        var generator = SystemRandomNumberGenerator()
        return String(decoding: (0..<count).map { _ in alphabet[Int(generator.next(upperBound: UInt64(alphabet.count)))] }, as: UTF8.self)
    }

    /// Whether `text` could be one we made: 1–128 characters of the alphabet (WeChat's limit for `state`).
    static func isWellFormed(_ text: some StringProtocol) -> Bool {
        !text.isEmpty && text.utf8.count <= 128 && text.utf8.allSatisfy { alphabet.contains($0) }
    }
}
