/// A failure `wxsim` reports as one line before exiting non-zero.
struct SimulatorError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
