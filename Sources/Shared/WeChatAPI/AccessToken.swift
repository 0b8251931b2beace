/// An access_token as fetched from WeChat.
public struct AccessToken: Sendable, Hashable {
    public var value: String
    /// Seconds of validity WeChat announced (`expires_in`, usually 7200).
    public var expiresIn: Int

    public init(value: String, expiresIn: Int) {
        self.value = value
        self.expiresIn = expiresIn
    }
}
