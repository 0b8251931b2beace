import Testing

@testable import Shared

/// Reading the `OTEL_*` variables: off unless an endpoint is set, the documented defaults, and one line
/// naming the variable for a value this build cannot honour. (Bootstrapping is global to a process: the
/// system test `TracingSystemTests` covers it in real ingress and worker processes.)
@Suite struct TracingSetupTests {
    @Test func offUnlessAnEndpointIsSet() throws {
        #expect(try TracingSetup(role: "ingress", environment: [:]).isEnabled == false)
        #expect(try TracingSetup(role: "ingress", environment: ["OTEL_EXPORTER_OTLP_ENDPOINT": "  "]).isEnabled == false)
        #expect(try TracingSetup(role: "ingress", environment: ["OTEL_SERVICE_NAME": "x", "OTEL_TRACES_SAMPLER": "always_on"]).isEnabled == false)
        #expect(try TracingSetup(role: "ingress", environment: ["OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"]).isEnabled)
        #expect(try TracingSetup(role: "worker", environment: ["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://collector:4318/v1/traces"]).isEnabled)
        let disabled = ["OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318", "OTEL_SDK_DISABLED": "true"]
        #expect(try TracingSetup(role: "worker", environment: disabled).isEnabled == false)
    }

    @Test func offBootstrapsNothing() throws {
        #expect(try TracingSetup(role: "ingress", environment: [:]).bootstrap() == nil)
        #expect(!RelayTracing.isActive)
    }

    @Test func serviceNameAndProtocolDefaults() throws {
        let ingress = try TracingSetup(role: "ingress", environment: ["OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318"])
        #expect(ingress.serviceName == "wechat-relay-ingress")
        #expect(ingress.exportProtocol == .protobuf)
        let named = try TracingSetup(role: "worker", environment: ["OTEL_SERVICE_NAME": "relay-eu", "OTEL_EXPORTER_OTLP_PROTOCOL": "http/json"])
        #expect(named.serviceName == "relay-eu")
        #expect(named.exportProtocol == .json)
        #expect(try TracingSetup(role: "worker", environment: ["OTEL_EXPORTER_OTLP_TRACES_PROTOCOL": "HTTP/JSON"]).exportProtocol == .json)
    }

    @Test func unusableValuesNameTheirVariable() {
        let cases: [(variable: String, value: String)] = [
            ("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"), ("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "http/xml"),
            ("OTEL_TRACES_SAMPLER", "sometimes"), ("OTEL_TRACES_SAMPLER_ARG", "1.5"), ("OTEL_TRACES_SAMPLER_ARG", "a tenth"),
            ("OTEL_SDK_DISABLED", "maybe"),
        ]
        for (variable, value) in cases {
            #expect(throws: ConfigurationError.self, "\(variable)=\(value)") {
                try TracingSetup(role: "ingress", environment: ["OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318", variable: value])
            }
            do throws(ConfigurationError) {
                _ = try TracingSetup(role: "ingress", environment: ["OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318", variable: value])
            } catch {
                #expect(error.variable == variable)
            }
        }
        #expect(throws: Never.self) {
            try TracingSetup(
                role: "ingress", environment: ["OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318", "OTEL_TRACES_SAMPLER": "parentbased_traceidratio", "OTEL_TRACES_SAMPLER_ARG": "0.01"])
        }
        // Off, other software's OTEL_* values are none of ours (a gRPC collector setting, say).
        #expect(throws: Never.self) { try TracingSetup(role: "ingress", environment: ["OTEL_EXPORTER_OTLP_PROTOCOL": "grpc", "OTEL_TRACES_SAMPLER": "xray"]) }
    }
}
