import NIOCore

/// The channel handler of an ``EventLoopRedisConnection``: feeds what the socket reads into hiredis's
/// parser (``HiredisReader``) and hands each whole reply, and the end of the connection, to its
/// ``EventLoopRedisLink``. It lives in one channel's pipeline on the link's event loop, like the link.
///
/// `attempt` names the connection it serves: a link that has moved on to a newer connection ignores
/// whatever an older one still reports.
final class RedisReplyHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let link: EventLoopRedisLink
    private let attempt: Int
    private let reader: HiredisReader?

    init(link: EventLoopRedisLink, attempt: Int) {
        self.link = link
        self.attempt = attempt
        self.reader = HiredisReader()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        guard let reader else {
            fail(.connection("cannot allocate a hiredis reply reader"), context: context)
            return
        }
        let fed = buffer.withUnsafeReadableBytes { bytes in Result { () throws(RedisError) in try reader.feed(bytes) } }
        do throws(RedisError) {
            try fed.get()
            while let reply = try reader.next() {
                link.received(reply, attempt: attempt)
            }
        } catch {
            fail(error, context: context)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        link.lost(.connection("\(link.endpoint) closed the connection"), attempt: attempt)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(.connection("connection to \(link.endpoint) failed: \(error)"), context: context)
    }

    private func fail(_ error: RedisError, context: ChannelHandlerContext) {
        link.lost(error, attempt: attempt)
        context.close(promise: nil)
    }
}
