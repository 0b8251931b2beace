import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import WeChatFake

extension ReplyWatcher {
    /// Tells the fake API a push is on its way (`POST /wxsim/pushed` with its XML), as WeChat's servers know
    /// every message a user sends: the fake opens the user's reply window from it and answers 45015/45047
    /// like WeChat. Best effort: a fake that is not running, or too old to know the path, changes nothing.
    func tell(_ message: SimulatedMessage) async {
        var request = HTTPClientRequest(url: apiBase + FakeWeChatAPI.pushedPath)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "text/xml")
        request.body = .bytes(ByteBuffer(string: message.xml))
        _ = try? await client.execute(request, timeout: .seconds(2))
    }
}
