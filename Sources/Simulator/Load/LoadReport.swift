/// What one `wxsim load` run measured; printed as text, and as JSON with `--json FILE` for `make bench`.
struct LoadReport: Sendable, Codable {
    var count: Int
    var users: Int
    var targetRate: Double
    /// Pushes sent per second, first to last.
    var achievedRate: Double
    var accepted: Int
    var refused: Int
    var failed: Int
    var replied: Int
    var duplicates: Int
    var missing: Int
    /// Replies were not followed (`--post-only`).
    var postOnly: Bool
    /// Replies reaching the API per second, from the first POST to the last reply.
    var repliesPerSecond: Double
    /// From the POST to the ingress's `success`.
    var ingressAnswer: LatencySummary
    /// From the POST to the matching customer-service call at the fake API.
    var endToEnd: LatencySummary

    var text: String {
        """
        wxsim load: \(count) messages from \(users) users, target \(targetRate > 0 ? "\(Int(targetRate))/s" : "as fast as possible"), sent at \(Int(achievedRate.rounded()))/s
          ingress: \(accepted) accepted, \(refused) refused, \(failed) failed; answer \(ingressAnswer.text)
        """
            + (postOnly
                ? ""
                : """

                  replies: \(replied) of \(accepted) (\(missing) missing, \(duplicates) duplicate), \(Int(repliesPerSecond.rounded()))/s
                  POST → customer-service call: \(endToEnd.text)
                """)
    }
}
