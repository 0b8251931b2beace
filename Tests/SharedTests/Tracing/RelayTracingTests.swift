import Testing

@testable import Shared

/// With traces off (nothing bootstrapped in this process) a span site only runs its body: no span, and
/// the span's name is never built.
@Suite struct RelayTracingTests {
    @Test func offRunsTheBodyWithoutASpanOrItsName() async throws {
        #expect(!RelayTracing.isActive)
        var built = false
        func name() -> String {
            built = true
            return "wechat.api /cgi-bin/message/custom/send"
        }
        let answer = await RelayTracing.withSpan(name()) { span in
            #expect(span == nil)
            return 42
        }
        #expect(answer == 42 && !built)
        struct Failure: Error, Equatable {}
        await #expect(throws: Failure.self) {
            try await RelayTracing.withSpan("failing") { (_) async throws(Failure) -> Int in throw Failure() }
        }
    }
}
