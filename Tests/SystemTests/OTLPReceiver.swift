import Foundation
import Hummingbird
import Synchronization
import TestSupport

/// A minimal OpenTelemetry collector for the tests: an OTLP/HTTP endpoint (`POST /v1/traces`, the JSON
/// encoding) on a free loopback port that keeps every span it receives, with its process's service name.
final class OTLPReceiver: Sendable {
    /// One received span, flattened: ids as the exporter wrote them, attributes as strings.
    struct ReceivedSpan: Sendable, CustomStringConvertible {
        var service: String
        var name: String
        var kind: Int
        var traceID: String
        var spanID: String
        var parentSpanID: String
        var attributes: [String: String]
        /// The status code (0 unset, 1 ok, 2 error).
        var status: Int

        var description: String { "\(service) \(name) kind \(kind) trace \(traceID) span \(spanID) parent \(parentSpanID) \(attributes.sorted { $0.key < $1.key })" }
    }

    /// What the route handlers write and the test reads.
    private final class Store: Sendable {
        let spans = Mutex<[ReceivedSpan]>([])
        let problems = Mutex<[String]>([])
    }

    private let app: LoopbackRouterApp
    private let store: Store

    var port: Int { app.port }
    /// What the services' `OTEL_EXPORTER_OTLP_ENDPOINT` is set to.
    var endpoint: String { "http://127.0.0.1:\(app.port)" }
    var spans: [ReceivedSpan] { store.spans.withLock { $0 } }
    /// Requests that were not an OTLP/JSON trace export this receiver could read.
    var problems: [String] { store.problems.withLock { $0 } }

    init() async throws {
        let store = Store()
        let router = Router()
        router.post("/v1/traces") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 16 << 20)
            do {
                let export = try JSONDecoder().decode(ExportRequest.self, from: Data(body.readableBytesView))
                let spans = export.flattened
                store.spans.withLock { $0 += spans }
            } catch {
                store.problems.withLock { $0.append("\(request.headers[.contentType] ?? "no content type"): \(error)") }
                return Response(status: .badRequest)
            }
            return Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(string: "{}")))
        }
        router.post("/**") { request, _ -> Response in
            store.problems.withLock { $0.append("POST \(request.uri.path)") }
            return Response(status: .notFound)
        }
        app = try await LoopbackRouterApp(router)
        self.store = store
    }

    func stop() async { await app.stop() }

    // MARK: OTLP/JSON (opentelemetry-proto's JSON mapping; enums as numbers, int64 as strings or numbers)

    struct ExportRequest: Decodable {
        var resourceSpans: [ResourceSpans]?

        var flattened: [ReceivedSpan] {
            (resourceSpans ?? []).flatMap { resource -> [ReceivedSpan] in
                let service = resource.resource?.attributes?.first { $0.key == "service.name" }?.value.text ?? ""
                return (resource.scopeSpans ?? []).flatMap { $0.spans ?? [] }.map { span in
                    ReceivedSpan(
                        service: service, name: span.name, kind: span.kind ?? 0, traceID: span.traceId, spanID: span.spanId, parentSpanID: span.parentSpanId ?? "",
                        attributes: Dictionary((span.attributes ?? []).map { ($0.key, $0.value.text) }) { $1 }, status: span.status?.code ?? 0)
                }
            }
        }
    }

    struct ResourceSpans: Decodable {
        var resource: Resource?
        var scopeSpans: [ScopeSpans]?
    }

    struct Resource: Decodable {
        var attributes: [KeyValue]?
    }

    struct ScopeSpans: Decodable {
        var spans: [Span]?
    }

    struct Span: Decodable {
        var traceId: String
        var spanId: String
        var parentSpanId: String?
        var name: String
        var kind: Int?
        var attributes: [KeyValue]?
        var status: Status?
    }

    struct Status: Decodable {
        var code: Int?
    }

    struct KeyValue: Decodable {
        var key: String
        var value: AnyValue
    }

    /// A scalar attribute value, as text.
    struct AnyValue: Decodable {
        var text: String

        private enum CodingKeys: String, CodingKey { case stringValue, intValue, boolValue, doubleValue }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            if let text = try container.decodeIfPresent(String.self, forKey: .stringValue) {
                self.text = text
            } else if let text = try? container.decodeIfPresent(String.self, forKey: .intValue) {
                self.text = text
            } else if let number = try? container.decodeIfPresent(Int64.self, forKey: .intValue) {
                text = String(number)
            } else if let flag = try container.decodeIfPresent(Bool.self, forKey: .boolValue) {
                text = String(flag)
            } else if let number = try container.decodeIfPresent(Double.self, forKey: .doubleValue) {
                text = String(number)
            } else {
                text = ""
            }
        }
    }
}
