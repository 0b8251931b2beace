extension StringProtocol {
    /// The text without leading and trailing whitespace (newlines included), without Foundation.
    public var trimmingWhitespace: String {
        var text = self[...]
        while text.first?.isWhitespace == true { text.removeFirst() }
        while text.last?.isWhitespace == true { text.removeLast() }
        return String(text)
    }
}
