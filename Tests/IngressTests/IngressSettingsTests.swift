import Shared
import Testing

@testable import Ingress

/// The ingress's own variables: defaults, and a bad value names its variable.
@Suite struct IngressSettingsTests {
    @Test func listenAddressDefaults() throws {
        let settings = try IngressSettings(environment: [:])
        #expect(settings.host == "0.0.0.0")
        #expect(settings.port == 8080)
        let chosen = try IngressSettings(environment: ["INGRESS_HOST": "127.0.0.1", "INGRESS_PORT": "9000"])
        #expect(chosen.host == "127.0.0.1")
        #expect(chosen.port == 9000)
    }

    @Test(arguments: ["80a", "70000", "-1"])
    func badPortNamesTheVariable(value: String) {
        #expect {
            try IngressSettings(environment: ["INGRESS_PORT": value])
        } throws: { error in
            (error as? ConfigurationError)?.variable == "INGRESS_PORT"
        }
    }
}
