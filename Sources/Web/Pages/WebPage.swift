import Hummingbird
import NIOCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Small HTML and JSON responses: the pages a person sees when a sign-in cannot go on (clear words,
/// a way to try again, no codes or tokens), and the JSON answers of the API routes.
enum WebPage {
    /// An HTML page with a heading, one explanation and an optional "Try again" link.
    static func message(_ status: HTTPResponse.Status, title: String, text: String, retry: String? = nil) -> Response {
        let link = retry.map { #"<p><a id="retry" href="\#(escape($0))">Try again</a></p>"# } ?? ""
        let page = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
            <title>\(escape(title))</title></head>
            <body style="font-family:sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem">
            <h1 style="font-size:1.3rem">\(escape(title))</h1><p id="message">\(escape(text))</p>\(link)
            </body></html>
            """
        return html(status, page)
    }

    static func html(_ status: HTTPResponse.Status, _ text: String) -> Response {
        Response(
            status: status,
            headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store", .xContentTypeOptions: "nosniff"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    /// A JSON answer; `extra` headers (CORS) are added.
    static func json(_ status: HTTPResponse.Status, _ value: some Encodable, headers extra: HTTPFields = [:]) -> Response {
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"]
        headers.append(contentsOf: extra)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let body = (try? encoder.encode(value)).map { Array($0) } ?? Array(#"{"error":"could not encode the answer"}"#.utf8)
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// `{"error": text, "start": URL?}`: what went wrong, and where to sign in again when that helps.
    static func error(_ status: HTTPResponse.Status, _ text: String, start: String? = nil, headers: HTTPFields = [:]) -> Response {
        json(status, ErrorAnswer(error: text, start: start), headers: headers)
    }

    private struct ErrorAnswer: Encodable {
        var error: String
        var start: String?
    }

    static func redirect(to location: String, headers extra: HTTPFields = [:]) -> Response {
        var headers: HTTPFields = [.location: location, .cacheControl: "no-store"]
        headers.append(contentsOf: extra)
        return Response(status: .found, headers: headers)
    }

    /// Text safe inside HTML elements and double-quoted attributes.
    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}
