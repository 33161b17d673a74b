import Foundation

/// How large a change must be to count (`--only-if-changed`, the per-function table): a cost or
/// latency change counts when it reaches both its absolute and its relative bound, so a cent on a
/// large bill and a large ratio of a tiny figure both stay quiet. Anything structural — a target
/// or function added or removed, a memory or keep-alive change, a placement move, a compliance
/// violation, a lock-in score — always counts.
public struct Materiality: Sendable, Equatable {
    /// Relative bound, percent, for cost, latency and counts.
    public var percent: Double
    /// Absolute bound for a monthly cost, USD.
    public var usd: Decimal
    /// Absolute bound for a latency percentile, ms.
    public var ms: Double

    public init(percent: Double = 1, usd: Decimal = Decimal(string: "0.01") ?? 0, ms: Double = 1) {
        self.percent = percent
        self.usd = usd
        self.ms = ms
    }

    /// Reads `2%`, `0.50USD`, `5ms` (comma-separated or one per call) over the defaults.
    public mutating func apply(_ text: String) throws {
        for part in text.split(separator: ",") {
            let bound = try Bound.parse(String(part), allowed: [.percent, .usd, .ms], option: "--materiality")
            switch bound {
            case .percent(let p): percent = p
            case .usd(let d): usd = d
            case .ms(let m): ms = m
            }
        }
    }

    func cost(_ change: Change<Decimal>) -> Bool {
        guard let delta = change.delta, let percent = change.percent else { return change.differs }
        return abs(delta) >= usd && abs(percent) >= self.percent && delta != 0
    }

    func latency(_ change: Change<Double>) -> Bool {
        guard let delta = change.delta, let percent = change.percent else { return change.differs }
        return abs(delta) >= ms && abs(percent) >= self.percent && delta != 0
    }

    func count(_ change: Change<Int>) -> Bool {
        guard let delta = change.delta, let percent = change.percent else { return change.differs }
        return delta != 0 && abs(percent) >= self.percent
    }
}
