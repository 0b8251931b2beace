import CoreMetrics
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Shared

/// The callback-IP check of a push (``SourceCheck``), before anything else is read.
extension WeChatController {
    /// 403 when `INGRESS_SOURCE_CHECK=enforce` and the push does not come from WeChat's callback IPs;
    /// nil to go on. Counts every check; logs an unlisted source and a missing list at most once a minute.
    func refusalBySource(_ request: Request, peer: SocketAddress?) -> Response? {
        let check = settings.sourceCheck
        guard check.mode != .off else { return nil }
        let peerBytes = peer?.ipAddress.flatMap { IPNetwork.address($0) }
        let client = check.client(peer: peerBytes, forwardedFor: request.headers[values: Self.forwardedFor])
        let list = callbackIPs.networks
        metrics.callbackIPs.record(list?.count ?? 0)
        let outcome = check.outcome(client: client, list: list)
        metrics.count(outcome)
        switch outcome {
        case .listed:
            return nil
        case .noList:
            if logThrottle.allow("no_list") {
                logger.warning("no callback IP list in Redis (\(callbackIPs.key)): pushes are let through unchecked until a worker fetches getcallbackip")
            }
            return nil
        case .unlisted, .unknownClient:
            let source = client.map(IPNetwork.text) ?? "an unknown address"
            if logThrottle.allow(outcome.rawValue) {
                let action = check.mode == .enforce ? "refused (403)" : "let through (INGRESS_SOURCE_CHECK=log)"
                logger.warning("a push from \(source), not one of WeChat's callback IPs, was \(action); behind a proxy, list it in INGRESS_TRUSTED_PROXIES")
            }
            guard check.mode == .enforce else { return nil }
            metrics.count(.sourceRefused)
            return Response.plainText(.forbidden, "source not allowed\n")
        }
    }

    static let forwardedFor = HTTPField.Name("X-Forwarded-For")!
}
