/// Why a worker process cannot start: a rules file with a problem, or `--account` naming an account the
/// configuration does not have. Its description is the one line the worker prints before exiting.
enum WorkerSetupError: Error, Sendable, CustomStringConvertible {
    case rules(RulesParseError)
    case unknownAccount(String, known: [String])

    var description: String {
        switch self {
        case .rules(let error): "\(error)"
        case .unknownAccount(let name, let known):
            "configuration error: --account/WORKER_ACCOUNTS names \(name), which is not configured (accounts: \(known.joined(separator: ", ")))"
        }
    }
}
