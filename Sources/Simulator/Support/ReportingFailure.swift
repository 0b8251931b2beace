import ArgumentParser
import Shared

/// Runs `body`, turning a failure into one line on standard error and exit status 1.
func reportingFailure<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as ExitCode {
        throw error
    } catch {
        ProcessEnvironment.printError("wxsim: \(error)")
        throw ExitCode(1)
    }
}
