import NIOCore
import NIOPosix
import Synchronization

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Runs the process's Swift tasks on SwiftNIO's event loops instead of Swift's own thread pool (issue 17).
///
/// Every message crosses I/O several times (the HTTP request Hummingbird reads, each Redis round trip,
/// the HTTPS call to WeChat through AsyncHTTPClient). With two pools, each crossing wakes a thread of the
/// other pool and switches to it; with one, a continuation resumed on an event loop (an HTTP answer) runs
/// on that same loop at once. Hummingbird and AsyncHTTPClient already use `MultiThreadedEventLoopGroup.singleton`,
/// which this installs as the global executor (NIO's `unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor`).
///
/// Safe here because nothing in these services blocks a task: Redis I/O is SwiftNIO's (hiredis only
/// parses; with `RELAY_REDIS_IO=threads` it blocks on threads of its own, ``BatchingThread``, as the spool
/// does), the rest is CPU work. A Swift handler that blocks would stall an event
/// loop, so `RELAY_TASK_EXECUTOR=swift` keeps Swift's pool (and measures the difference).
public enum EventLoopTaskExecutor {
    private static let installed = Atomic<Bool>(false)

    /// Installs the event loops as the global executor unless `RELAY_TASK_EXECUTOR` is `swift`; at most
    /// once per process, before the services start. Returns whether the event loops run the tasks.
    @discardableResult
    public static func installUnlessDisabled(environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        if environment["RELAY_TASK_EXECUTOR"]?.lowercased() == "swift" { return false }
        guard installed.compareExchange(expected: false, desired: true, ordering: .relaxed).exchanged else { return true }
        return NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
    }
}
