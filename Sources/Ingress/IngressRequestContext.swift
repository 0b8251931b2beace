import Hummingbird
import NIOCore

/// The ingress's request context: Hummingbird's basic one plus the TCP peer's address, which the
/// callback-IP check (``SourceCheck``) needs.
struct IngressRequestContext: RequestContext, RemoteAddressRequestContext {
    var coreContext: CoreRequestContextStorage
    /// The peer's address; nil in router tests, which have no socket.
    let remoteAddress: SocketAddress?

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }
}
