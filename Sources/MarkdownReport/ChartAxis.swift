import Formatting
import Foundation

/// One axis of a chart's SVG: where a value sits along it (0 at its start, 1 at its end) and
/// the ticks drawn on it. A linear axis runs from zero to a round number at or above the largest
/// value; a logarithmic one from the power of ten at or below the smallest positive value to the
/// one at or above the largest, and places a value by its log10.
struct ChartAxis {
    struct Tick {
        var value: Double
        /// Empty for the unlabelled ticks between powers of ten.
        var label: String
        var major: Bool
    }

    var kind: Chart.Scale
    var low: Double
    var high: Double

    init(kind: Chart.Scale, values: [Double]) {
        self.kind = kind
        switch kind {
        case .linear:
            low = 0
            high = Chart.niceCeiling(values.filter(\.isFinite).max() ?? 0)
        case .logarithmic:
            let positive = values.filter { $0.isFinite && $0 > 0 }
            let bottom = floor(log10(positive.min() ?? 1)), top = ceil(log10(positive.max() ?? 10))
            low = pow(10, bottom)
            high = pow(10, max(top, bottom + 1))
        }
    }

    /// The position of a value along the axis, clamped to 0…1; nil when a logarithmic axis
    /// cannot place it (zero or less) or it is not a number.
    func fraction(_ value: Double) -> Double? {
        guard value.isFinite else { return nil }
        switch kind {
        case .linear:
            return min(max(value, low), high) / high
        case .logarithmic:
            guard value > 0 else { return nil }
            let span = log10(high) - log10(low)
            return min(max((log10(value) - log10(low)) / span, 0), 1)
        }
    }

    /// Linear: six labelled ticks, zero to the top. Logarithmic: every power of ten, labelled
    /// (every second or third when there are more than eight decades), and unlabelled ticks at
    /// 2…9 times each when there are at most six.
    func ticks(unit: String = "") -> [Tick] {
        switch kind {
        case .linear:
            return (0...5).map { step in
                let value = high * Double(step) / 5
                return Tick(value: value, label: Chart.number(value) + unit, major: true)
            }
        case .logarithmic:
            let first = Int(log10(low).rounded()), last = Int(log10(high).rounded())
            let decades = last - first
            let every = max(1, (decades + 7) / 8)
            var ticks: [Tick] = []
            for e in first...last {
                ticks.append(Tick(value: pow(10, Double(e)), label: (e - first) % every == 0 ? Self.powerOfTen(e) + unit : "", major: true))
                if decades <= 6, e < last {
                    ticks += (2...9).map { Tick(value: Double($0) * pow(10, Double(e)), label: "", major: false) }
                }
            }
            return ticks
        }
    }

    /// `0.001`, `1`, `10,000`, `1,000,000`; beyond that `10⁷`, and below `10⁻⁴`.
    static func powerOfTen(_ exponent: Int) -> String {
        switch exponent {
        case -3 ..< 0: return "0." + String(repeating: "0", count: -exponent - 1) + "1"
        case 0...6: return Numbers.grouped("1" + String(repeating: "0", count: exponent))
        default:
            let superscripts: [Character: Character] = ["-": "⁻", "0": "⁰", "1": "¹", "2": "²", "3": "³", "4": "⁴",
                                                         "5": "⁵", "6": "⁶", "7": "⁷", "8": "⁸", "9": "⁹"]
            return "10" + String(String(exponent).map { superscripts[$0] ?? $0 })
        }
    }
}
