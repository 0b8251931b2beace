import Shared

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension JSONValue {
    /// The value as compact JSON bytes (an encoding failure, which a `JSONValue` cannot cause, gives `{}`).
    var encodedBytes: [UInt8] {
        (try? Array(JSONEncoder().encode(self))) ?? Array("{}".utf8)
    }
}
