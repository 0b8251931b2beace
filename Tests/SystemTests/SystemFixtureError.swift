/// A part of the relay did not come up (the failure message carries the processes' last log lines).
struct SystemFixtureError: Error, CustomStringConvertible {
    var description: String
}
