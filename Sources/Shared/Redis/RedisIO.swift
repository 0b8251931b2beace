#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Which design moves a ``RedisClient``'s bytes, as `RELAY_REDIS_IO` chooses it (see the top of
/// RedisClient.swift for the measurements behind the default).
public enum RedisIO: String, Sendable, CaseIterable {
    /// SwiftNIO owns the sockets on its event loops; hiredis only encodes and decodes (the default).
    case eventLoops = "event-loops"
    /// Each connection is a blocking hiredis context on a thread of its own (the earlier design).
    case threads

    /// The mode `RELAY_REDIS_IO` names, or nil when it names none; an unset variable is ``eventLoops``.
    public init?(environmentValue: String?) {
        guard let value = environmentValue?.lowercased(), !value.isEmpty else {
            self = .eventLoops
            return
        }
        self.init(rawValue: value)
    }

    /// The default of every ``RedisClientConfiguration``: this process's `RELAY_REDIS_IO`, so one variable
    /// switches every client of a process (services, benchmarks, `make test`); ``eventLoops`` when unset.
    /// The services validate the variable at start-up (``RelayConfiguration``); here a bad value is ignored.
    public static let processDefault: RedisIO = RedisIO(environmentValue: ProcessInfo.processInfo.environment["RELAY_REDIS_IO"]) ?? .eventLoops
}
