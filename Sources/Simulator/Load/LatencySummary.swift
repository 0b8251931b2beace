/// Percentiles (nearest rank) of a set of latencies in milliseconds.
struct LatencySummary: Sendable, Codable, Equatable {
    var count: Int
    var p50: Double
    var p99: Double
    var max: Double

    init(_ samples: [Double]) {
        let sorted = samples.sorted()
        count = sorted.count
        func percentile(_ q: Double) -> Double {
            guard !sorted.isEmpty else { return 0 }
            // Nearest rank: the smallest sample with at least q of all samples at or below it.
            let rank = Int((Double(sorted.count) * q).rounded(.up))
            return sorted[Swift.min(Swift.max(rank - 1, 0), sorted.count - 1)]
        }
        p50 = percentile(0.50)
        p99 = percentile(0.99)
        max = sorted.last ?? 0
    }

    var text: String {
        count == 0 ? "none" : "p50 \(Self.format(p50)) ms, p99 \(Self.format(p99)) ms, max \(Self.format(max)) ms"
    }

    static func format(_ value: Double) -> String {
        let tenths = (value * 10).rounded() / 10
        return tenths == tenths.rounded() ? String(Int(tenths)) : String(tenths)
    }
}
