/// A fallback that cannot be read; the rules parser adds file and line, the webhook handler makes it a
/// permanent handler failure.
struct ReplyFallbackError: Error, Sendable, Hashable, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
