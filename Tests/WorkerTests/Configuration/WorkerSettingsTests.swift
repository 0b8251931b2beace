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

    /// `WORKER_FAIR_SLICE_MS`: strict turns (0) unless set; a bad value is one line naming the
    /// variable and what it got.
    @Test func theFairnessSliceIsWholeMilliseconds() throws {
        #expect(try WorkerSettings(environment: [:]).fairSlice == .zero)
        #expect(try WorkerSettings(environment: ["WORKER_FAIR_SLICE_MS": "0"]).fairSlice == .zero)
        #expect(try WorkerSettings(environment: ["WORKER_FAIR_SLICE_MS": "250"]).fairSlice == .milliseconds(250))
        for bad in ["20ms", "-1", "fast", "600001"] {
            #expect {
                try WorkerSettings(environment: ["WORKER_FAIR_SLICE_MS": bad])
            } throws: { error in
                guard let error = error as? ConfigurationError else { return false }
                return error.variable == "WORKER_FAIR_SLICE_MS" && error.description.contains("'\(bad)'") && !error.description.contains("\n")
            }
        }
    }
}
