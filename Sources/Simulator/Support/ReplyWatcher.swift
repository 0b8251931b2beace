import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import WeChatFake

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Follows the replies a running `wxsim api` receives (`GET /wxsim/replies`, long-polled), from the
/// moment it is created: what `wxsim send --wait`, `chat` and `load` read back.
struct ReplyWatcher: Sendable {
    let apiBase: String
    let client: HTTPClient

    /// The position to follow from: only replies that arrive after this call.
    func currentPosition() async throws -> Int {
        try await fetch(query: "").next
    }

    /// Replies after `position`, waiting up to `wait` seconds for at least one.
    func replies(after position: Int, wait: Double = 10) async throws -> FakeWeChatReplies {
        try await fetch(query: "?after=\(position)&wait=\(wait)", timeout: .seconds(Int64(wait) + 10))
    }

    private func fetch(query: String, timeout: TimeAmount = .seconds(10)) async throws -> FakeWeChatReplies {
        let request = HTTPClientRequest(url: apiBase + FakeWeChatAPI.repliesPath + query)
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, timeout: timeout)
        } catch {
            throw SimulatorError("cannot reach the fake API at \(apiBase) (is `wxsim api` running?): \(error)")
        }
        let body = try await response.body.collect(upTo: 64 << 20)
        guard response.status == .ok, let replies = try? JSONDecoder().decode(FakeWeChatReplies.self, from: Data(body.readableBytesView)) else {
            throw SimulatorError("\(apiBase) is not a `wxsim api` (GET \(FakeWeChatAPI.repliesPath) answered \(response.status.code))")
        }
        return replies
    }
}
