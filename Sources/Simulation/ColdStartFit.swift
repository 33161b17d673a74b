import Foundation

/// A log-normal cold-start latency fitted to observed init times (Lambda's `Init Duration`) by
/// maximum likelihood: μ and σ are the mean and the standard deviation (1/n) of the logarithms.
/// Profiles state their cold start by its median and 99th percentile; the fit gives both, beside
/// the sample's own (nearest rank) so a reader can see how well the shape holds.
public struct ColdStartFit: Sendable, Equatable {
    public var mu: Double
    public var sigma: Double
    public var samples: Int
    /// The sample's own median and 99th percentile (nearest rank), ms.
    public var sampleMedianMs: Double
    public var sampleP99Ms: Double

    public init(mu: Double, sigma: Double, samples: Int, sampleMedianMs: Double, sampleP99Ms: Double) {
        self.mu = mu
        self.sigma = sigma
        self.samples = samples
        self.sampleMedianMs = sampleMedianMs
        self.sampleP99Ms = sampleP99Ms
    }

    /// Nil without a positive sample.
    public init?(initMs: [Double]) {
        let values = initMs.filter { $0 > 0 && $0.isFinite }.sorted()
        guard !values.isEmpty else { return nil }
        let logs = values.map { Foundation.log($0) }
        let mean = logs.reduce(0, +) / Double(logs.count)
        let variance = logs.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(logs.count)
        mu = mean
        sigma = variance.squareRoot()
        samples = values.count
        func rank(_ q: Double) -> Double { values[max(0, min(values.count - 1, Int((q * Double(values.count)).rounded(.up)) - 1))] }
        sampleMedianMs = rank(0.5)
        sampleP99Ms = rank(0.99)
    }

    /// The fitted median, ms.
    public var medianMs: Double { exp(mu) }
    /// The fitted 99th percentile, ms.
    public var p99Ms: Double { exp(mu + ColdStartModel.z99 * sigma) }
    /// The engine's model.
    public var model: ColdStartModel { .lognormal(mu: mu, sigma: sigma) }
}
