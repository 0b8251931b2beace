import ArgumentParser
import Shared
import Testing

@testable import Simulator
@testable import WeChatFake

/// The small parts of `wxsim` with rules of their own: percentiles, chat commands, message flags.
@Suite struct SimulatorPartsTests {
    @Test func percentilesAreNearestRank() {
        let summary = LatencySummary((1...100).map(Double.init).reversed())
        #expect(summary.count == 100)
        #expect(summary.p50 == 50)
        #expect(summary.p99 == 99)
        #expect(summary.max == 100)
        let one = LatencySummary([7])
        #expect(one.p50 == 7 && one.p99 == 7 && one.max == 7)
        #expect(LatencySummary([]).text == "none")
    }

    @Test func chatLinesBecomeMessages() {
        #expect(ChatCommand.kind(of: "hello there") == .text("hello there"))
        #expect(ChatCommand.kind(of: "/image M1") == .image(mediaID: "M1"))
        #expect(ChatCommand.kind(of: "/event CLICK menu_1") == .event("CLICK", key: "menu_1"))
        #expect(ChatCommand.kind(of: "/event subscribe") == .event("subscribe", key: nil))
        #expect(ChatCommand.kind(of: "/location 23.1,113.3 Canton") == .location(latitude: 23.1, longitude: 113.3, label: "Canton"))
        #expect(ChatCommand.kind(of: "/location nowhere") == nil)
        #expect(ChatCommand.kind(of: "/shrug") == .text("/shrug"))
    }

    @Test func messageFlagsPickOneKind() throws {
        #expect(try MessageOptions.parse(["hi"]).message().kind == .text("hi"))
        #expect(try MessageOptions.parse(["--image", "M9"]).message().kind == .image(mediaID: "M9"))
        #expect(try MessageOptions.parse(["--event", "SCAN", "--event-key", "42"]).message().kind == .event("SCAN", key: "42"))
        #expect(throws: (any Error).self) { try MessageOptions.parse(["--image", "M9", "--event", "subscribe"]).message() }
        #expect(throws: (any Error).self) { try MessageOptions.parse([]).message() }
        #expect(throws: (any Error).self) { try MessageOptions.parse(["--location", "north"]).message() }
    }

    @Test func chatLineShowsDeliveriesAndRefusals() {
        let delivered = FakeWeChatReply(
            seq: 3,
            call: FakeWeChatCall(
                path: FakeWeChatAPI.sendPath, status: 200, errcode: 0, appID: "wx", message: .init(toUser: "o1", content: .text("hi")), body: "",
                receivedAt: 3_600_000 + 61_000))
        #expect(ChatLine.reply(delivered) == "01:01:01  ← o1  hi")
        let refused = FakeWeChatReply(
            seq: 4,
            call: FakeWeChatCall(
                path: FakeWeChatAPI.sendPath, status: 200, errcode: 45015, appID: "wx", message: .init(toUser: "o2", content: .text("x")), body: "",
                receivedAt: 0))
        #expect(ChatLine.reply(refused).hasPrefix("00:00:00  ✗ o2  errcode 45015"))
    }
}
