import Testing

@testable import Shared

@Suite struct WeChatErrorCodeTests {
    @Test(arguments: [
        (-1, WeChatRetryClass.retryLater), (45011, .retryLater),
        (40001, .refreshToken), (40014, .refreshToken), (42001, .refreshToken),
        (45009, .permanent), (45015, .permanent), (45047, .permanent), (43004, .permanent), (40003, .permanent), (48001, .permanent),
    ])
    func requiredCodes(_ code: Int, _ expected: WeChatRetryClass) {
        #expect(WeChatErrorCode(code).retryClass == expected)
        #expect(WeChatErrorCode(code).meaning != nil)
    }

    @Test func successHasNoRetryClass() {
        #expect(WeChatErrorCode(0).isSuccess)
        #expect(WeChatErrorCode(0).retryClass == nil)
    }

    @Test func unknownCodesArePermanent() {
        for code in [1, 40_000, 99_999, -2, Int.min, Int.max] {
            #expect(WeChatErrorCode(code).retryClass == .permanent)
            #expect(WeChatErrorCode(code).meaning == nil)
        }
        #expect(WeChatErrorCode(123).description == "errcode 123")
        #expect(WeChatErrorCode(-1).description == "errcode -1 (system busy)")
    }

    @Test func onlyTheTokenCodesRefresh() {
        let refreshing = WeChatErrorCode.table.filter { $0.value.retryClass == .refreshToken }.keys.sorted()
        #expect(refreshing == [40001, 40014, 42001])
        let retrying = WeChatErrorCode.table.filter { $0.value.retryClass == .retryLater }.keys.sorted()
        #expect(retrying == [-1, 45011])
    }
}
