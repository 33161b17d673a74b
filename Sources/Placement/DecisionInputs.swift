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
        guard let url = Bundle.module.url(forResource: "decision-defaults", withExtension: "yaml", subdirectory: "Data"),
              let data = FileManager.default.contents(atPath: url.path), let text = String(data: data, encoding: .utf8) else {
            throw OnPremInputError(file: "decision-defaults.yaml", line: nil, message: "the bundled decision defaults are missing from this build")
        }
        return try parse(text, file: "decision-defaults.yaml")
    }

    static func parse(_ text: String, file: String) throws -> DecisionInputs {
        let tree: YAMLTree
        do { tree = try YAMLTree.parse(text) } catch { throw OnPremInputError(file: file, line: nil, message: "\(error)") }
        guard case .mapping(let sources, _)? = tree["sources"], case .mapping(let figures, _)? = tree["figures"] else {
            throw OnPremInputError(file: file, line: tree.line, message: "expected 'sources' and 'figures'")
        }
        var inputs = DecisionInputs()
        for key in keys {
            guard let figure = figures.first(where: { $0.key == key })?.value else {
                throw OnPremInputError(file: file, line: nil, message: "no default for '\(key)'")
            }
            guard case .scalar(let name, _)? = figure["source"], let source = sources.first(where: { $0.key == name })?.value,
                  case .scalar(let url, _)? = source["url"], case .scalar(let read, _)? = source["read"],
                  case .scalar(let confidence, _)? = source["confidence"] else {
                throw OnPremInputError(file: file, line: figure.line, message: "\(key): needs a source with url, read and confidence")
            }
            guard case .scalar(let text, _)? = figure["value"], let value = Double(text), value.isFinite, value >= 0 else {
                throw OnPremInputError(file: file, line: figure.line, message: "\(key): needs a non-negative number")
            }
            switch key {
            case "dayRateUSD": inputs.dayRateUSD = Decimal(string: text) ?? 0
            case "horizonMonths": inputs.horizonMonths = Int(value)
            case "fewestMovesShare": inputs.fewestMovesShare = value
            default: inputs.regionMovePoints = Int(value)
            }
            inputs.origins[key] = "\(url) (read \(read), \(confidence))"
        }
        return inputs
    }
}
