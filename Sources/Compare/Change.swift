import Foundation
import Formatting

/// One figure on the base side and on the head side; nil where that side does not have it
/// (a target or function only one side simulated, an on-prem target's bill).
public struct Change<Value: Sendable & Equatable>: Sendable, Equatable {
    public var before: Value?
    public var after: Value?

    public init(_ before: Value?, _ after: Value?) {
        self.before = before
        self.after = after
    }

    /// True when the two sides differ (including one side missing).
    public var differs: Bool { before != after }
}

extension Change where Value == Decimal {
    /// after − before, when both sides have the figure.
    public var delta: Decimal? {
        guard let before, let after else { return nil }
        return after - before
    }

    /// after − before, each side first rounded to the cent as it is printed: what a money
    /// threshold decides on, so $7.00 → $7.70 is exactly +$0.70.
    public var centsDelta: Decimal? {
        guard let before, let after else { return nil }
        return Numbers.cents(after) - Numbers.cents(before)
    }

    /// The change relative to before, in percent, exact: both sides rounded to the cent, then
    /// divided in decimal ($7.00 → $7.70 is exactly 10). Nil from zero to something (an infinite
    /// change, `percent` says which way) or when a side is missing.
    public var exactPercent: Decimal? {
        guard let before, let after else { return nil }
        let b = Numbers.cents(before), a = Numbers.cents(after)
        if a == b { return 0 }
        if b == 0 { return nil }
        return (a - b) * 100 / abs(b)
    }

    /// The change relative to before, in percent (±infinity from zero to something; 0 from zero
    /// to zero), from `exactPercent`.
    public var percent: Double? {
        guard let before, let after else { return nil }
        if let exact = exactPercent { return NSDecimalNumber(decimal: exact).doubleValue }
        return Numbers.cents(after) > Numbers.cents(before) ? .infinity : -.infinity
    }
}

extension Change where Value == Double {
    public var delta: Double? {
        guard let before, let after else { return nil }
        return after - before
    }

    public var percent: Double? {
        guard let before, let after else { return nil }
        return Ratio.percent(before, after)
    }
}

extension Change where Value == Int {
    public var delta: Int? {
        guard let before, let after else { return nil }
        return after - before
    }

    public var percent: Double? {
        guard let before, let after else { return nil }
        return Ratio.percent(Double(before), Double(after))
    }
}

enum Ratio {
    static func percent(_ before: Double, _ after: Double) -> Double {
        if before == after { return 0 }
        if before == 0 { return after > 0 ? .infinity : -.infinity }
        return (after - before) / abs(before) * 100
    }
}

/// Whether a target, function or placement entry exists on both sides or only one.
public enum Presence: String, Sendable, Equatable {
    case both, added, removed

    init(before: Bool, after: Bool) {
        self = before && after ? .both : (after ? .added : .removed)
    }
}
