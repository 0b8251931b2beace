import ArgumentParser
import Testing

@testable import Simulator
@testable import WeChatFake

/// `wxsim send --event SCAN|subscribe --scene X` and `wxsim chat`'s `/click` and `/scan` (issue 14).
@Suite struct ScanCommandsTests {
    @Test func sceneFlagBuildsWeChatsEventKeys() throws {
        #expect(try MessageOptions.parse(["--event", "subscribe", "--scene", "abc"]).message().kind == .event("subscribe", key: "qrscene_abc"))
        #expect(try MessageOptions.parse(["--event", "SCAN", "--scene", "abc"]).message().kind == .event("SCAN", key: "abc"))
        #expect(throws: (any Error).self) { try MessageOptions.parse(["--scene", "abc"]).message() }
        #expect(throws: (any Error).self) { try MessageOptions.parse(["--event", "CLICK", "--scene", "abc"]).message() }
        #expect(throws: (any Error).self) { try MessageOptions.parse(["--event", "SCAN", "--scene", "a", "--event-key", "b"]).message() }
        let xml = try MessageOptions.parse(["--event", "subscribe", "--scene", "abc"]).message().xml
        #expect(xml.contains("<EventKey><![CDATA[qrscene_abc]]></EventKey>"))
        #expect(xml.contains("<Ticket>"))
    }

    @Test func chatClickAndScan() {
        #expect(ChatCommand.kind(of: "/click V1001_TODAY") == .event("CLICK", key: "V1001_TODAY"))
        #expect(ChatCommand.kind(of: "/scan shop_12") == .event("SCAN", key: "shop_12"))
    }
}
