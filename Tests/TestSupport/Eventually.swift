/// Polls `condition` every `interval` for at most `seconds`; returns whether it became true. Tests wait
/// with it instead of sleeping for a fixed time, and assert no timings.
@discardableResult
public func eventually(seconds: Double = 30, every interval: Duration = .milliseconds(20), _ condition: () async throws -> Bool) async rethrows -> Bool {
    let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: interval)
    }
    return try await condition()
}
