import Shared
import Testing

@testable import Worker

/// The worker's own variables: concurrency and the rules file (the rest is exercised by the pipeline tests).
@Suite struct WorkerSettingsTests {
    @Test func defaults() throws {
        let settings = try WorkerSettings(environment: [:])
        #expect(settings.concurrency == 16)
        #expect(settings.rules == nil)
        #expect(settings.rulesDirectory == nil)
    }

    @Test func valuesAreRead() throws {
        let settings = try WorkerSettings(environment: ["WORKER_CONCURRENCY": "64", "WORKER_RULES": "/etc/relay/rules.yaml"])
        #expect(settings.concurrency == 64)
        #expect(settings.rules == "/etc/relay/rules.yaml")
        #expect(settings.rulesDirectory == "/etc/relay/rules.d")
    }

    @Test(arguments: ["0", "many", "10001"])
    func badConcurrencyNamesTheVariable(value: String) {
        #expect {
            try WorkerSettings(environment: ["WORKER_CONCURRENCY": value])
        } throws: { error in
            (error as? ConfigurationError)?.variable == "WORKER_CONCURRENCY"
        }
    }
}
