#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The system's calendar clock, for timestamps that leave the process (envelopes, WeChat's timestamps).
/// Durations inside the process use `ContinuousClock` instead.
public enum WallClock {
    /// Milliseconds since 1970-01-01 UTC.
    public static func milliseconds() -> Int64 {
        // Date, not clock_gettime's timespec: with Hummingbird in Shared's graph, the static SDK finds timespec
        // in CDispatch as well, which MemberImportVisibility refuses without importing that module.
        Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
    }

    /// Seconds since 1970-01-01 UTC.
    public static func seconds() -> Int64 { milliseconds() / 1000 }
}
