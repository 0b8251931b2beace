import Shared
import WeChatFake

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// How `wxsim` prints what reaches the fake API: one readable line per call, e.g.
/// `12:00:01  ← o_wxsim_user  hello` or `12:00:02  ✗ o_blocked  45015 response out of time limit…`.
enum ChatLine {
    /// A customer-service send (delivered or refused).
    static func reply(_ reply: FakeWeChatReply) -> String {
        let time = clock(reply.receivedAt)
        guard reply.errcode == 0 else {
            let meaning = reply.errcode == -2 ? "HTTP 500 (injected)" : (WeChatErrorCode(reply.errcode).meaning ?? "")
            return "\(time)  ✗ \(reply.toUser.isEmpty ? "?" : reply.toUser)  errcode \(reply.errcode) \(meaning)"
        }
        return "\(time)  ← \(reply.toUser)  \(reply.message.map { describe($0.content) } ?? "")"
    }

    /// Any other call the fake answered (token fetches, typing), or nil when not worth a line.
    static func call(_ call: FakeWeChatCall) -> String? {
        if call.path == FakeWeChatAPI.sendPath { return nil }
        let time = clock(call.receivedAt)
        switch call.path {
        case "/cgi-bin/token", "/cgi-bin/stable_token":
            return call.errcode == 0 ? "\(time)  · access_token issued (\(call.path))" : "\(time)  ✗ \(call.path) errcode \(call.errcode ?? -2)"
        case FakeWeChatAPI.typingPath:
            return call.errcode == 0 ? "\(time)  · typing…" : nil
        case "/connect/oauth2/authorize":
            return call.errcode == 0 ? "\(time)  · sign-in page: the user consented" : "\(time)  · sign-in page: \(call.errcode.map { "error \($0)" } ?? "the user refused")"
        case FakeWeChatAPI.codeExchangePath:
            return call.errcode == 0 ? "\(time)  · OAuth code exchanged" : "\(time)  ✗ OAuth code exchange errcode \(call.errcode ?? -2)"
        case FakeWeChatAPI.ticketPath:
            return call.errcode == 0 ? "\(time)  · jsapi_ticket issued" : "\(time)  ✗ getticket errcode \(call.errcode ?? -2)"
        case let path where path.hasPrefix("/cgi-bin/menu/") || path.hasPrefix("/cgi-bin/qrcode/") || path == "/cgi-bin/getcallbackip":
            let name = path.dropFirst("/cgi-bin/".count)
            guard let code = call.errcode, code != 0 else { return "\(time)  · \(name)" }
            return "\(time)  ✗ \(name) errcode \(code) \(WeChatErrorCode(code).meaning ?? "")"
        default:
            return nil
        }
    }

    /// The visible part of a customer-service message.
    static func describe(_ content: CustomerServiceMessage.Content) -> String {
        switch content {
        case .text(let text): return text
        case .image(let mediaID): return "[image \(mediaID)]"
        case .voice(let mediaID): return "[voice \(mediaID)]"
        case .video(let mediaID, _, let title, _): return "[video \(title ?? mediaID)]"
        case .music(let music): return "[music \(music.title ?? music.musicURL)]"
        case .news(let article): return "[article \(article.title) \(article.url)]"
        case .mpnews(let mediaID): return "[article \(mediaID)]"
        case .mpnewsArticle(let articleID): return "[article \(articleID)]"
        case .menu(let menu): return "[menu \(menu.headContent) \(menu.items.map { "(\($0.content))" }.joined(separator: " "))]"
        case .wxcard(let cardID): return "[card \(cardID)]"
        case .miniProgramPage(let title, _, _, _): return "[mini program \(title)]"
        }
    }

    /// `HH:mm:ss` (UTC) of a wall-clock millisecond time.
    static func clock(_ milliseconds: Int64) -> String {
        let seconds = (milliseconds / 1000) % 86_400
        func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(two(seconds / 3600)):\(two(seconds / 60 % 60)):\(two(seconds % 60))"
    }
}
