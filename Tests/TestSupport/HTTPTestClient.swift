import AsyncHTTPClient
import NIOCore
import NIOHTTP1

/// One request to a server on loopback (a service process the test started, or an in-process app),
/// through AsyncHTTPClient's shared client: one request per connection (`Connection: close`, so nothing
/// pooled outlives a process the test kills), a 10 s timeout. Answers the status code and the body.
/// Tests of malformed or trickled requests write to a socket themselves (`SlowClientTests`).
public enum HTTPTestClient {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        public init(description: String) { self.description = description }
    }

    public static func send(port: Int, method: String, path: String, body: String = "") async throws -> (status: Int, body: String) {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = HTTPMethod(rawValue: method)
        request.headers.add(name: "Connection", value: "close")
        if !body.isEmpty || method == "POST" { request.body = .bytes(ByteBuffer(string: body)) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let bytes = try await response.body.collect(upTo: 16 << 20)
        return (Int(response.status.code), String(buffer: bytes))
    }
}
