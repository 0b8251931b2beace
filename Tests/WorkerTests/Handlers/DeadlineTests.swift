import AsyncHTTPClient
import Shared
import Synchronization
import TestSupport
import Testing

@testable import Worker

/// Item 10 of issue 12: the webhook's and the WeChat API's timeouts cover the whole exchange (head and
/// body), and their answers have a size cap. Driven by a raw-socket server that trickles its body.
@Suite struct DeadlineTests {
    static let oneByteASecond = TricklingHTTPServer.Answer.trickle(contentLength: 600, every: .seconds(1))

    @Test func apiCallEndsWithinItsTimeoutWhenTheBodyTrickles() async throws {
        let server = try TricklingHTTPServer(Self.oneByteASecond)
        defer { server.stop() }
        let client = WeChatAPIClient.makeHTTPClient(concurrency: 1)
        defer { Task { try? await client.shutdown() } }
        let api = WeChatAPIClient(baseURL: "http://127.0.0.1:\(server.port)", httpClient: client, timeout: .seconds(2))
        // Far above the 2 s timeout; without a total deadline the call waits for 600 bytes at 1 per second.
        let outcome = await within(seconds: 20) { try await api.fetchToken(kind: .stable, appID: "wx", secret: "s") }
        guard let outcome else {
            Issue.record("the API call was still running after 20 s with a 2 s timeout")
            return
        }
        #expect(throws: WeChatAPIError.self) { try outcome.get() }
        #expect(server.requests.load(ordering: .sequentiallyConsistent) == 1)
    }

    @Test func webhookEndsWithinItsTimeoutWhenTheBodyTrickles() async throws {
        let server = try TricklingHTTPServer(Self.oneByteASecond)
        defer { server.stop() }
        let client = WeChatAPIClient.makeHTTPClient(concurrency: 1)
        defer { Task { try? await client.shutdown() } }
        let webhook = WebhookHandler(url: "http://127.0.0.1:\(server.port)/hook", httpClient: client, timeout: .seconds(2), appID: "wx")
        let message = try WorkerHarness.text("slow", from: "u", appID: "wx")
        let outcome = await within(seconds: 20) { try await webhook.handle(message) }
        guard let outcome else {
            Issue.record("the webhook call was still running after 20 s with a 2 s timeout")
            return
        }
        #expect(throws: HandlerError.self) { try outcome.get() }
        if case .failure(HandlerError.retryLater) = outcome {} else { Issue.record("a timeout must be retried, got \(outcome)") }
    }

    @Test func apiAnswerOver64KiBIsRefused() async throws {
        let padding = String(repeating: "x", count: 100 * 1024)
        let server = try TricklingHTTPServer(.body(Array(#"{"access_token":"\#(padding)","expires_in":7200}"#.utf8)))
        defer { server.stop() }
        let client = WeChatAPIClient.makeHTTPClient(concurrency: 1)
        defer { Task { try? await client.shutdown() } }
        let api = WeChatAPIClient(baseURL: "http://127.0.0.1:\(server.port)", httpClient: client, timeout: .seconds(10))
        await #expect(throws: WeChatAPIError.self) { _ = try await api.fetchToken(kind: .stable, appID: "wx", secret: "s") }
    }

    @Test func webhookAnswerOver1MiBIsPermanent() async throws {
        let text = String(repeating: "y", count: 2 << 20)
        let server = try TricklingHTTPServer(.body(Array(#"{"messages":[{"msgtype":"text","text":{"content":"\#(text)"}}]}"#.utf8)))
        defer { server.stop() }
        let client = WeChatAPIClient.makeHTTPClient(concurrency: 1)
        defer { Task { try? await client.shutdown() } }
        let webhook = WebhookHandler(url: "http://127.0.0.1:\(server.port)/hook", httpClient: client, timeout: .seconds(10), appID: "wx")
        let message = try WorkerHarness.text("big", from: "u", appID: "wx")
        do {
            _ = try await webhook.handle(message)
            Issue.record("a 2 MiB answer was accepted")
        } catch HandlerError.permanent {
        } catch {
            Issue.record("an oversized answer must be permanent (a retry gets the same), got \(error)")
        }
    }
}
