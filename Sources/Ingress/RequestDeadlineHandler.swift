import NIOCore
import NIOHTTPTypes

/// Closes a connection whose request began (its head arrived) but did not end within ``timeout``.
///
/// The HTTP server's idle timeout restarts whenever a body part arrives, so a body sent a byte at a time
/// would hold a connection (and a request handler) for as long as the client likes. WeChat sends each
/// push whole, at once; a request still incomplete after the timeout is a slow or hostile client. One
/// instance per connection, used only on that connection's event loop.
final class RequestDeadlineHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    let timeout: TimeAmount
    /// When the request under way (its head arrived, its end not yet) must have ended; nil between requests.
    private var requestDeadline: NIODeadline?
    /// The one timer of this connection. A request does not schedule and cancel a timer of its own (issue 17:
    /// that was a tenth of the ingress's CPU over a bare handler): the timer, when it fires, closes the
    /// connection if the request under way is past its deadline, waits for that deadline if not, and
    /// stops when no request is under way; a head with no timer running starts it.
    private var timer: Scheduled<Void>?

    init(timeout: TimeAmount) {
        self.timeout = timeout
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            let deadline = NIODeadline.now() + timeout
            requestDeadline = deadline
            if timer == nil { schedule(at: deadline, context: context) }
        case .body:
            break
        case .end:
            requestDeadline = nil
        }
        context.fireChannelRead(data)
    }

    private func schedule(at deadline: NIODeadline, context: ChannelHandlerContext) {
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        timer = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) {
            let (handler, context) = loopBound.value
            handler.timer = nil
            guard let deadline = handler.requestDeadline else { return }
            if deadline <= .now() {
                context.close(promise: nil)
            } else {
                handler.schedule(at: deadline, context: context)
            }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        stop()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        stop()
    }

    private func stop() {
        timer?.cancel()
        timer = nil
        requestDeadline = nil
    }
}
