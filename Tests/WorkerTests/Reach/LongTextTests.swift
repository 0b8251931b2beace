import Shared
import Testing

@testable import Worker

/// Cutting texts to WeChat's 2 048 bytes at character boundaries.
@Suite struct LongTextTests {
    @Test func aShortTextIsLeftAlone() {
        #expect(LongText.split("hello") == ["hello"])
        #expect(LongText.truncate("hello") == "hello")
    }

    @Test func splitsNeverBreakACharacter() {
        // Flags (8 bytes), a family (25 bytes), e + combining accent (3 bytes), CJK (3 bytes).
        let text = String(repeating: "🇨🇳👨‍👩‍👧‍👦é中a", count: 300)
        let parts = LongText.split(text, maximumBytes: 100, parts: 1000)
        #expect(parts.joined() == text)
        #expect(parts.allSatisfy { $0.utf8.count <= 100 })
        #expect(parts.count == (text.utf8.count + 99) / 100 || parts.count > (text.utf8.count + 99) / 100)
        for part in parts {
            #expect(Array(part).map { String($0) }.joined() == part)
        }
        #expect(parts.dropLast().allSatisfy { part in part.utf8.count > 100 - 25 })
    }

    @Test func theLastPartAllowedEndsWithAnEllipsis() {
        let text = String(repeating: "中", count: 2000)  // 6 000 bytes
        let parts = LongText.split(text, maximumBytes: 2048, parts: 2)
        #expect(parts.count == 2)
        #expect(parts[0] == String(repeating: "中", count: 682))
        #expect(parts[1].hasSuffix("…"))
        #expect(parts[1].utf8.count <= 2048)
    }

    @Test func truncateCutsAtACharacterAndFits() {
        let text = String(repeating: "👍🏽", count: 1000)  // 8 bytes each
        let cut = LongText.truncate(text)
        #expect(cut.utf8.count <= 2048)
        #expect(cut.hasSuffix("…"))
        #expect(cut.dropLast().allSatisfy { $0 == "👍🏽" })
    }

    @Test func prepareMarksLaterPartsAndKeepsOtherReplies() {
        let long = String(repeating: "a", count: 5000)
        let replies = LongText.prepare([Reply(.text(long)), Reply(.image(mediaID: "M")), Reply(.text(long), longText: .truncate)])
        #expect(replies.map(\.isContinuation) == [false, true, true, false, false])
        #expect(replies[3].content == .image(mediaID: "M"))
        guard case .text(let cut) = replies[4].content else {
            Issue.record("not a text")
            return
        }
        #expect(cut.hasSuffix("…"))
    }
}
