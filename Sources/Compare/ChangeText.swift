import Foundation
import Formatting

/// A change between BASE and HEAD as the diff and the threshold checks write it.
enum ChangeText {
    /// `+$2.66 (+21.6%)`, or `n/a` when a side is missing.
    static func moneyDelta(_ c: Change<Decimal>) -> String {
        guard let delta = c.centsDelta, let percent = c.percent else { return "n/a" }
        return "\(Numbers.usd(delta, .signed)) (\(Numbers.percent(points: percent, .signedChange)))"
    }

    /// `+12.0 ms (+4.1%)`, or `n/a` when a side is missing.
    static func latencyDelta(_ c: Change<Double>) -> String {
        guard let delta = c.delta, let percent = c.percent else { return "n/a" }
        return "\(Numbers.ms(delta, .signedColumn)) ms (\(Numbers.percent(points: percent, .signedChange)))"
    }
}
