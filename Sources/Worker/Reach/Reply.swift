import Shared

/// One message a handler wants to reach the user: its customer-service content, what to do when no
/// customer-service message can reach the user (``fallback``), and how a text over WeChat's limit is
/// cut (``longText``).
struct Reply: Sendable, Hashable {
    var content: CustomerServiceMessage.Content
    var fallback: ReplyFallback?
    var longText: LongTextPolicy = .split
    /// Bytes to upload with `media/upload` before sending; the uploaded media_id replaces the content's.
    var upload: MediaUpload?
    /// A later part of a split text: when the allowance ran out, it is dropped (the first part carried
    /// the fallback).
    var isContinuation = false

    init(_ content: CustomerServiceMessage.Content, fallback: ReplyFallback? = nil, longText: LongTextPolicy = .split, upload: MediaUpload? = nil) {
        self.content = content
        self.fallback = fallback
        self.longText = longText
        self.upload = upload
    }

    /// The text a template's `{{reply}}` stands for: a text reply's text, a news title, else empty.
    var text: String {
        switch content {
        case .text(let text): return text
        case .news(let article): return article.title
        default: return ""
        }
    }
}

/// What happens to a text reply longer than WeChat takes (2 048 bytes of UTF-8; more is refused with
/// 45002). `long_text: split | truncate` in the rules (top level or per rule) and in a webhook answer.
enum LongTextPolicy: String, Sendable, Hashable, CaseIterable {
    /// Several messages, cut at character (grapheme cluster) boundaries, at most ``LongText/maximumParts``;
    /// a part the allowance no longer covers is dropped.
    case split
    /// One message, cut at a character boundary and ended with "…".
    case truncate
}
