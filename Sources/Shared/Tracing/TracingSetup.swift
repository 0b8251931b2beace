import Logging
import OTel
import ServiceLifecycle

/// Whether this process exports OpenTelemetry traces, read once from the standard `OTEL_*` variables, and
/// the one place that turns them on (issue 17).
///
/// Off unless `OTEL_EXPORTER_OTLP_ENDPOINT` or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` is set (and
/// `OTEL_SDK_DISABLED` is not `true`): then nothing is bootstrapped, the global tracer stays the no-op one and
/// ``RelayTracing`` skips every span without touching it. On, ``bootstrap(logger:)`` hands swift-otel the
/// traces only (OTLP over HTTP, protobuf or JSON): the metrics stay swift-prometheus and the logs stay
/// swift-log. The returned service belongs first in the process's `ServiceGroup`, so it stops last and
/// flushes the spans of everything that stopped before it.
///
/// ```swift
/// let tracing = try TracingSetup(role: .ingress, environment: environment)
/// let service = try tracing.bootstrap(logger: logger)   // nil when off
/// ```
public struct TracingSetup: Sendable {
    /// The wire format of the OTLP export (`OTEL_EXPORTER_OTLP_PROTOCOL`).
    public enum ExportProtocol: String, Sendable, CaseIterable {
        case protobuf = "http/protobuf"
        case json = "http/json"
    }

    /// The samplers OpenTelemetry names in `OTEL_TRACES_SAMPLER` that swift-otel implements.
    public static let samplers: Set<String> = [
        "always_on", "always_off", "traceidratio", "parentbased_always_on", "parentbased_always_off", "parentbased_traceidratio",
    ]

    /// True when traces are exported.
    public let isEnabled: Bool
    /// `resource.service.name` of every span: `wechat-relay-<role>` unless `OTEL_SERVICE_NAME` says otherwise.
    public let serviceName: String
    public let exportProtocol: ExportProtocol
    /// The `OTEL_*` variables, for swift-otel's own (headers, timeouts, batch sizes, the sampler).
    private let environment: [String: String]

    /// Reads the variables and, when traces are on, checks them: a bad sampler, ratio or protocol is a
    /// ``ConfigurationError`` (so is a bad `OTEL_SDK_DISABLED`, always).
    /// `role` names the process in the default service name (`ingress`, `worker`).
    public init(role: String, environment: [String: String]) throws(ConfigurationError) {
        let reader = EnvironmentReader(environment)
        let endpoint = reader.string("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") ?? reader.string("OTEL_EXPORTER_OTLP_ENDPOINT")
        let disabled = try reader.boolean("OTEL_SDK_DISABLED", default: false)
        isEnabled = endpoint != nil && !disabled
        serviceName = reader.string("OTEL_SERVICE_NAME") ?? "wechat-relay-\(role)"
        let protocolName = reader.string("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL") ?? reader.string("OTEL_EXPORTER_OTLP_PROTOCOL") ?? ExportProtocol.protobuf.rawValue
        let prefix = "OTEL_"
        self.environment = environment.filter { $0.key.hasPrefix(prefix) }
        // Off, the OTEL_* variables may be meant for other software in the same environment: not ours to refuse.
        guard isEnabled else {
            exportProtocol = ExportProtocol(rawValue: protocolName.lowercased()) ?? .protobuf
            return
        }
        guard let exportProtocol = ExportProtocol(rawValue: protocolName.lowercased()) else {
            let variable = reader.string("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL") != nil ? "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL" : "OTEL_EXPORTER_OTLP_PROTOCOL"
            throw ConfigurationError(variable: variable, problem: "must be http/protobuf or http/json (this build has no gRPC exporter), got '\(protocolName)'")
        }
        self.exportProtocol = exportProtocol
        if let sampler = reader.string("OTEL_TRACES_SAMPLER"), !Self.samplers.contains(sampler.lowercased()) {
            throw ConfigurationError(variable: "OTEL_TRACES_SAMPLER", problem: "must be one of \(Self.samplers.sorted().joined(separator: ", ")), got '\(sampler)'")
        }
        if let ratio = reader.string("OTEL_TRACES_SAMPLER_ARG"), Double(ratio).map({ (0...1).contains($0) }) != true {
            throw ConfigurationError(variable: "OTEL_TRACES_SAMPLER_ARG", problem: "must be a sampling ratio from 0 to 1, got '\(ratio)'")
        }
    }

    /// Bootstraps swift-otel's tracer as the process's tracer and turns ``RelayTracing`` on; the service
    /// that exports the spans, or nil when tracing is off. Call it once per process, before serving.
    public func bootstrap(logger: Logger = Logger(label: "tracing")) throws(ConfigurationError) -> (any Service)? {
        guard isEnabled else { return nil }
        var configuration = OTel.Configuration.default
        configuration.serviceName = serviceName
        configuration.diagnosticLogger = .custom(Logger(label: "otel"))
        configuration.logs.enabled = false
        configuration.metrics.enabled = false
        configuration.traces.enabled = true
        configuration.traces.otlpExporter.protocol = exportProtocol == .json ? .httpJSON : .httpProtobuf
        let service: any Service
        do {
            service = try OTel.bootstrap(configuration: configuration, environment: environment)
        } catch {
            throw ConfigurationError(variable: "OTEL_*", problem: "cannot start the trace exporter: \(error)")
        }
        RelayTracing.activate()
        logger.info("exporting traces as \(serviceName) (OTLP \(exportProtocol.rawValue))")
        return service
    }
}
