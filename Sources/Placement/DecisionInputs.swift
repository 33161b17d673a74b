import Foundation
import Pricing

/// What the decision between plans weighs besides the bills: a developer-day's cost, the horizon
/// savings count over, the fewest-moves rule and a region move's effort. The bundled defaults
/// (`Data/decision-defaults.yaml`, each with its source) unless the user gives another.
public struct DecisionInputs: Sendable, Equatable {
    /// What one effort point (about a developer-day) costs, USD.
    public var dayRateUSD: Decimal = 0
    /// Months a plan's monthly saving is counted over against its one-off migration cost.
    public var horizonMonths = 0
    /// The fewest-moves plan reaches at least this share of the best compliant plan's saving.
    public var fewestMovesShare = 0.0
    /// Effort points of moving one function to another region of the target it runs on.
    public var regionMovePoints = 0
    /// Where each figure comes from: `url (read DATE, confidence)`, or the flag that set it.
    public var origins: [String: String] = [:]

    public init() {}

    static let keys = ["dayRateUSD", "horizonMonths", "fewestMovesShare", "regionMovePoints"]

    /// The bundled defaults.
    public static func defaults() throws -> DecisionInputs {
        try inputs(from: try DefaultsFile.decision())
    }

    static func parse(_ text: String, file: String) throws -> DecisionInputs {
        try inputs(from: try DefaultsFile.parse(text, file: file))
    }

    private static func inputs(from defaults: DefaultsFile) throws -> DecisionInputs {
        let file = defaults.file
        var inputs = DecisionInputs()
        for key in keys {
            guard let entry = defaults.entries.first(where: { $0.key == key }) else {
                throw OnPremInputError(file: file, line: nil, message: "no default for '\(key)'")
            }
            let text = entry.value
            guard let value = Double(text), value.isFinite, value >= 0 else {
                throw OnPremInputError(file: file, line: entry.line, message: "\(key): needs a non-negative number")
            }
            switch key {
            case "dayRateUSD": inputs.dayRateUSD = Decimal(string: text) ?? 0
            case "horizonMonths": inputs.horizonMonths = Int(value)
            case "fewestMovesShare": inputs.fewestMovesShare = value
            default: inputs.regionMovePoints = Int(value)
            }
            inputs.origins[key] = defaults.origin(entry)
        }
        return inputs
    }
}
