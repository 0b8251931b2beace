import AsyncHTTPClient
import Shared
import Testing
import WeChatFake

/// The fake answers like WeChat, so the worker's error paths are exercised for real.
@Suite struct FakeWeChatAPITests {
    @Test func validatesCredentialsTokensAndBodies() async throws {
        let fake = FakeWeChatAPI(apps: ["wxfake": "right"])
        try await fake.start()
        let api = WeChatAPIClient(baseURL: fake.baseURL, httpClient: .shared)
        func errcode(_ call: () async throws -> Void) async -> Int? {
            do {
                try await call()
                return 0
            } catch {
                return (error as? WeChatAPIError)?.errcode
            }
        }
        #expect(await errcode { _ = try await api.fetchToken(kind: .stable, appID: "wxother", secret: "right") } == 40013)
        #expect(await errcode { _ = try await api.fetchToken(kind: .classic, appID: "wxfake", secret: "wrong") } == 40125)
        let stable = try await api.fetchToken(kind: .stable, appID: "wxfake", secret: "right")
        #expect(try await api.fetchToken(kind: .stable, appID: "wxfake", secret: "right").value == stable.value)
        #expect(stable.expiresIn == 7200)
        let body = CustomerServiceMessage(toUser: "u", content: .text("hi")).jsonBody()
        #expect(await errcode { try await api.post(path: FakeWeChatAPI.sendPath, accessToken: "", body: body) } == 41001)
        #expect(await errcode { try await api.post(path: FakeWeChatAPI.sendPath, accessToken: "forged", body: body) } == 40001)
        #expect(await errcode { try await api.post(path: FakeWeChatAPI.sendPath, accessToken: stable.value, body: Array("{}".utf8)) } == 47001)
        #expect(await errcode { try await api.post(path: FakeWeChatAPI.typingPath, accessToken: stable.value, body: Array(#"{"touser":"u","command":"Dance"}"#.utf8)) } == 45072)
        #expect(await errcode { try await api.post(path: FakeWeChatAPI.sendPath, accessToken: stable.value, body: body) } == 0)

        fake.faults = FakeWeChatFaults(expireTokenEvery: 2)
        #expect(await errcode { try await api.post(path: FakeWeChatAPI.sendPath, accessToken: stable.value, body: body) } == 0)
        #expect(await errcode { try await api.post(path: FakeWeChatAPI.sendPath, accessToken: stable.value, body: body) } == 42001)
        fake.faults = FakeWeChatFaults(http500Rate: 1)
        let fresh = try await api.fetchToken(kind: .stable, appID: "wxfake", secret: "right")
        #expect(fresh.value != stable.value)
        do {
            try await api.post(path: FakeWeChatAPI.sendPath, accessToken: fresh.value, body: body)
            Issue.record("no HTTP 500")
        } catch {
            #expect(error == .http(status: 500))
            #expect(error.retryClass == .retryLater)
        }
        fake.faults = FakeWeChatFaults(failRate: 1)
        #expect(await errcode { try await api.post(path: FakeWeChatAPI.sendPath, accessToken: fresh.value, body: body) } == -1)
        await fake.stop()
        #expect(fake.deliveredMessages.count == 2)
        #expect(fake.tokensIssued == 2)
    }
}
