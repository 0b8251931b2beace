import Hummingbird
import NIOCore

extension Response {
    /// A short `text/plain` answer: WeChat's `success`, an error line, `/healthz` and `/readyz`. The one
    /// plain-text response of every service.
    public static func plainText(_ status: HTTPResponse.Status, _ text: String) -> Response {
        Response(status: status, headers: [.contentType: "text/plain; charset=utf-8"], body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}
