import HTTPTypes
import Hummingbird
import NIOCore
import Shared
import Synchronization

/// At most `limit` requests per minute from one client address (fixed one-minute windows, in memory,
/// per process); more get 429 with `Retry-After`. The address is the peer's, or with
/// `WEB_TRUST_FORWARDED_FOR` the right-most `X-Forwarded-For` hop (the one the trusted proxy added).
struct RateLimitMiddleware: RouterMiddleware {
    typealias Context = WebRequestContext

    let limit: Int
    let trustForwardedFor: Bool
    let onLimited: @Sendable () -> Void
    private let windows = Windows()
    private static let forwardedFor = HTTPField.Name("X-Forwarded-For")

    init(limit: Int, trustForwardedFor: Bool, onLimited: @escaping @Sendable () -> Void) {
        self.limit = limit
        self.trustForwardedFor = trustForwardedFor
        self.onLimited = onLimited
    }

    /// Counts per client in the current minute; forgotten when the minute turns (bounded memory).
    private final class Windows: Sendable {
        private let state = Mutex<(minute: Int64, counts: [String: Int])>((0, [:]))

        func admit(_ client: String, limit: Int, now: Int64) -> Bool {
            state.withLock { state in
                let minute = now / 60
                if minute != state.minute || state.counts.count > 100_000 {
                    state = (minute, [:])
                }
                let count = (state.counts[client] ?? 0) + 1
                state.counts[client] = count
                return count <= limit
            }
        }
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard windows.admit(client(request, context), limit: limit, now: WallClock.milliseconds() / 1000) else {
            onLimited()
            return Response(
                status: .tooManyRequests, headers: [.contentType: "text/plain; charset=utf-8", .retryAfter: "60"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: "too many requests from this address; try again in a minute\n")))
        }
        return try await next(request, context)
    }

    private func client(_ request: Request, _ context: Context) -> String {
        if trustForwardedFor, let name = Self.forwardedFor, let forwarded = request.headers[values: name].last,
            let hop = forwarded.split(separator: ",").last?.filter({ !$0.isWhitespace }), !hop.isEmpty
        {
            return hop
        }
        return context.remoteAddress?.ipAddress ?? "unknown"
    }
}
