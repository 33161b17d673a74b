import Formatting
import Foundation

/// A bound given on the command line: `10%`, `50USD` (or `$50`), `100ms` (or `1.5s`).
public enum Bound: Sendable, Equatable, CustomStringConvertible {
    case percent(Double)
    case usd(Decimal)
    case ms(Double)

    public enum Unit: Sendable { case percent, usd, ms }

    /// Parses one bound; `allowed` says which units this option takes.
    public static func parse(_ raw: String, allowed: [Unit], option: String) throws -> Bound {
        let text = raw.trimmingCharacters(in: .whitespaces)
        let lower = text.lowercased()
        func number(_ s: Substring) -> Double? {
            let t = s.trimmingCharacters(in: .whitespaces)
            guard let v = Double(t), v.isFinite, v >= 0, !t.hasPrefix("+") else { return nil }
            return v
        }
        var bound: Bound?
        if lower.hasSuffix("%"), let v = number(lower.dropLast()) {
            bound = .percent(v)
        } else if lower.hasSuffix("usd"), let v = number(lower.dropLast(3)), let d = Decimal(string: String(lower.dropLast(3)).trimmingCharacters(in: .whitespaces)) {
            bound = v >= 0 ? .usd(d) : nil
        } else if lower.hasPrefix("$"), number(lower.dropFirst()) != nil, let d = Decimal(string: String(lower.dropFirst())) {
            bound = .usd(d)
        } else if lower.hasSuffix("ms"), let v = number(lower.dropLast(2)) {
            bound = .ms(v)
        } else if lower.hasSuffix("s"), let v = number(lower.dropLast()) {
            bound = .ms(v * 1000)
        }
        let names = allowed.map { unit -> String in
            switch unit {
            case .percent: return "a percentage (10%)"
            case .usd: return "an amount (50USD)"
            case .ms: return "a duration (100ms)"
            }
        }
        guard let bound else {
            throw ThresholdError(message: "\(option): '\(raw)' is not \(names.joined(separator: " or "))")
        }
        guard allowed.contains(bound.unit) else {
            throw ThresholdError(message: "\(option): '\(raw)' has the wrong unit; give \(names.joined(separator: " or "))")
        }
        return bound
    }

    var unit: Unit {
        switch self {
        case .percent: return .percent
        case .usd: return .usd
        case .ms: return .ms
        }
    }

    public var description: String {
        switch self {
        case .percent(let p): return Numbers.number(p, .trimmed) + "%"
        case .usd(let d): return Numbers.usd(d, .cents)
        case .ms(let m): return Numbers.number(m, .trimmed) + " ms"
        }
    }
}

/// A threshold given in a form that cannot be read.
public struct ThresholdError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public var description: String { message }
}

/// The CI gates: bounds on cost and p99 latency in both directions, and new compliance violations.
/// Cost bounds apply to every target compared that has a bill, to the cost where functions run
/// today, and to the placement's total;
/// latency bounds to every target's p99.
public struct Thresholds: Sendable, Equatable {
    /// Fail when cost grows by more than any of these.
    public var costIncrease: [Bound] = []
    /// Fail unless cost falls by at least each of these.
    public var costDecrease: [Bound] = []
    /// Fail when p99 grows by more than any of these.
    public var p99Increase: [Bound] = []
    /// Fail unless p99 falls by at least each of these.
    public var p99Decrease: [Bound] = []
    /// Fail when HEAD has a compliance violation BASE did not.
    public var newViolation = false

    public init() {}

    public var isEmpty: Bool { costIncrease.isEmpty && costDecrease.isEmpty && p99Increase.isEmpty && p99Decrease.isEmpty && !newViolation }
}

/// One threshold applied to one subject (a target, or the placement).
public struct ThresholdCheck: Sendable, Equatable {
    /// The rule as the user gave it, e.g. `cost increase at most 10%`.
    public var rule: String
    /// A target id, `placement`, or `compliance`.
    public var subject: String
    /// What was observed, e.g. `+$2.66 (+21.6%)`.
    public var observed: String
    public var breached: Bool
}

extension Thresholds {
    /// True when `change` grows by more than `bound` percent (any growth from zero does).
    static func percentChange(_ change: Change<Decimal>, exceeds bound: Double) -> Bool {
        let limit = Numbers.decimal(bound) ?? 0
        if let exact = change.exactPercent { return exact > limit }
        return (change.centsDelta ?? 0) > 0
    }

    /// True when `change` falls by at least `bound` percent (nothing falls from zero).
    static func percentChange(_ change: Change<Decimal>, fallsBy bound: Double) -> Bool {
        let limit = Numbers.decimal(bound) ?? 0
        if let exact = change.exactPercent { return -exact >= limit }
        return false
    }

    /// Every check, in a fixed order: rules as listed above, subjects in the diff's order.
    public func evaluate(_ diff: ResultDiff) -> [ThresholdCheck] {
        var checks: [ThresholdCheck] = []
        var costSubjects: [(String, Change<Decimal>)] = diff.targets.compactMap { t in
            t.presence == .both && t.cost.before != nil && t.cost.after != nil ? (t.id, t.cost) : nil
        }
        if let current = diff.current, current.cost.before != nil, current.cost.after != nil {
            costSubjects.append(("where functions run today", current.cost))
        }
        if let placement = diff.placement, placement.cost.before != nil, placement.cost.after != nil {
            costSubjects.append(("placement", placement.cost))
        }
        let latencySubjects: [(String, Change<Double>)] = diff.targets.compactMap { t in
            t.presence == .both ? (t.id, t.p99) : nil
        }

        func costRule(_ bounds: [Bound], increase: Bool) {
            for bound in bounds {
                let rule = increase ? "cost increase at most \(bound)" : "cost decrease at least \(bound)"
                if costSubjects.isEmpty {
                    // A required decrease that cannot be shown is not met; a cap with nothing to cap holds.
                    checks.append(ThresholdCheck(rule: rule, subject: "cost", observed: "no target with a bill on both sides", breached: !increase))
                }
                for (subject, change) in costSubjects {
                    // Decided in decimal on the amounts as printed (to the cent): $7.00 → $7.70 is
                    // exactly +10 %, whatever binary doubles would make of it.
                    let delta = change.centsDelta ?? 0
                    let breached: Bool
                    switch (bound, increase) {
                    case (.percent(let p), true): breached = Self.percentChange(change, exceeds: p)
                    case (.usd(let d), true): breached = delta > d
                    case (.percent(let p), false): breached = !Self.percentChange(change, fallsBy: p)
                    case (.usd(let d), false): breached = -delta < d
                    default: breached = false
                    }
                    checks.append(ThresholdCheck(rule: rule, subject: subject, observed: ChangeText.moneyDelta(change), breached: breached))
                }
            }
        }
        func latencyRule(_ bounds: [Bound], increase: Bool) {
            for bound in bounds {
                let rule = increase ? "p99 increase at most \(bound)" : "p99 decrease at least \(bound)"
                if latencySubjects.isEmpty {
                    checks.append(ThresholdCheck(rule: rule, subject: "p99", observed: "no target on both sides", breached: !increase))
                }
                for (subject, change) in latencySubjects {
                    let delta = change.delta ?? 0, percent = change.percent ?? 0
                    let breached: Bool
                    switch (bound, increase) {
                    case (.percent(let p), true): breached = percent > p
                    case (.ms(let m), true): breached = delta > m
                    case (.percent(let p), false): breached = -percent < p
                    case (.ms(let m), false): breached = -delta < m
                    default: breached = false
                    }
                    checks.append(ThresholdCheck(rule: rule, subject: subject, observed: ChangeText.latencyDelta(change), breached: breached))
                }
            }
        }
        costRule(costIncrease, increase: true)
        costRule(costDecrease, increase: false)
        latencyRule(p99Increase, increase: true)
        latencyRule(p99Decrease, increase: false)
        if newViolation {
            let rule = "no new compliance violation"
            if !diff.violations.available {
                // A gate that cannot look must not pass silently.
                checks.append(ThresholdCheck(rule: rule, subject: "compliance", observed: "cannot check: a side has no lockIn section", breached: true))
            } else {
                let n = diff.violations.added.count
                checks.append(ThresholdCheck(rule: rule, subject: "compliance",
                                             observed: n == 0 ? "none new" : "\(n) new", breached: n > 0))
            }
        }
        return checks
    }
}
