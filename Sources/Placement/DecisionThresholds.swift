import Foundation

/// How far one input of the decision must move before another plan is recommended, found by the
/// decision's own rule (`Decision.recommend`, its tie band included) applied to the plans
/// re-valued at each trial value: never by a formula of its own (docs/decision.md).
public struct DecisionThreshold: Sendable, Equatable {
    /// The inputs every plan's net value is linear in.
    public enum Input: String, Sendable, CaseIterable {
        /// Every migration's effort points (stay's fixes included) scaled by a factor; the tie band stays one day's rate.
        case effort
        /// The day rate scaled by a factor: every migration's cost, and the tie band with it.
        case dayRate = "day-rate"
        /// The horizon, in whole months.
        case horizon
    }

    public var input: Input
    /// Today's value: 1 for a factor, the horizon's months.
    public var today: Double
    /// The value nearest today's at which another plan is recommended: from it on (further from
    /// today) the recommendation differs; just short of it, it does not. Nil: none in `range`.
    public var value: Double?
    /// The plan recommended at `value`.
    public var recommended: String?
    /// The values searched, both ends included.
    public var low: Double
    public var high: Double
    /// With no change in range: at the end of the range that favours moving most (no effort, the
    /// longest horizon), the plan whose net value comes closest to the recommended plan's, and by
    /// how much it leads it there (USD over the horizon; negative when it still trails).
    public var closest: String?
    public var closestLeadUSD: Decimal?
}

extension Decision {
    /// Effort and day-rate factors searched: none (0) to a thousand times today's.
    static let factorRange = (low: 0.0, high: 1000.0)
    /// Horizons searched, months: one to about 83,000 years (payback past that is "never" to anyone).
    static let horizonRange = (low: 1.0, high: 1_000_000.0)

    /// The plan the rule recommends with every migration's effort scaled by `effort`, the day rate
    /// by `dayRate` (which moves the tie band with it) and the horizon at `horizon` months.
    public static func recommendation(_ options: [PlanOption], inputs: DecisionInputs, effort: Double = 1, dayRate: Double = 1,
                                      horizon: Int? = nil) -> String {
        let e = Decimal(effort), r = Decimal(dayRate), h = Decimal(horizon ?? inputs.horizonMonths)
        var changed = inputs
        changed.dayRateUSD = inputs.dayRateUSD * r
        changed.horizonMonths = horizon ?? inputs.horizonMonths
        let revalued = options.map { o -> PlanOption in
            guard let saving = o.saving else { return o }
            var v = o
            v.migrationCost = o.migrationCost * e * r
            v.netValue = saving * h - v.migrationCost
            return v
        }
        return recommend(revalued, inputs: changed).0
    }

    /// For effort, day rate and horizon: the nearest value, on either side of today's, at which the
    /// rule recommends another plan. Empty without a stay plan or a feasible plan to compare.
    public static func thresholds(_ outcome: DecisionOutcome) -> [DecisionThreshold] {
        let options = outcome.options
        let distinct = options.filter { $0.sameAs == nil && $0.feasible && $0.netValue != nil }
        guard distinct.count > 1, let choice = outcome.choice, choice.feasible, choice.netValue != nil else { return [] }
        let inputs = outcome.inputs
        let base = recommendation(options, inputs: inputs)
        var out: [DecisionThreshold] = []
        for input in DecisionThreshold.Input.allCases {
            let today = input == .horizon ? Double(inputs.horizonMonths) : 1
            let range = input == .horizon ? horizonRange : factorRange
            let integer = input == .horizon
            func rule(_ x: Double) -> String {
                switch input {
                case .effort: recommendation(options, inputs: inputs, effort: x)
                case .dayRate: recommendation(options, inputs: inputs, dayRate: x)
                case .horizon: recommendation(options, inputs: inputs, horizon: Int(x))
                }
            }
            var t = DecisionThreshold(input: input, today: today, low: range.low, high: range.high)
            let below = today > range.low ? nearestChange(from: today, to: range.low, integer: integer, base: base, rule: rule) : nil
            let above = today < range.high ? nearestChange(from: today, to: range.high, integer: integer, base: base, rule: rule) : nil
            // The nearer of the two, by ratio (a factor of 0 is the farthest below).
            func distance(_ x: Double) -> Double { x > 0 && today > 0 ? abs(log(x / today)) : .infinity }
            if let found = [below, above].compactMap({ $0 }).min(by: { distance($0) < distance($1) }) {
                t.value = found
                t.recommended = rule(found)
            } else {
                // Nothing changes it: how close the nearest plan comes where moving is cheapest.
                let end = input == .horizon ? range.high : range.low
                let h = input == .horizon ? Decimal(Int(end)) : Decimal(inputs.horizonMonths)
                let k = Decimal(input == .horizon ? 1 : end)
                func value(_ o: PlanOption) -> Decimal { (o.saving ?? 0) * h - o.migrationCost * k }
                if let rival = distinct.filter({ $0.id != choice.id }).max(by: { value($0) < value($1) }) {
                    t.closest = rival.id
                    t.closestLeadUSD = value(rival) - value(choice)
                }
            }
            out.append(t)
        }
        return out
    }

    /// Walks from `today` towards `end` on a geometric grid (2 % a step; for factors below 1e-9, the
    /// end itself) and, at the first grid value where `rule` differs from `base`, bisects between
    /// it and the previous one: the value returned differs, and one just nearer today does not
    /// (for whole months, one month nearer). A change and a change back within one 2 % step of
    /// each other could be passed over; the plans' net values are linear in each input, so the
    /// rule changes at most a few times over the whole range.
    static func nearestChange(from today: Double, to end: Double, integer: Bool, base: String,
                              rule: (Double) -> String) -> Double? {
        let up = end > today
        var previous = today
        var x = today
        while true {
            var next = up ? x * 1.02 : x / 1.02
            if integer { next = up ? max(next.rounded(.down), x + 1) : min(next.rounded(.up), x - 1) }
            if up ? next >= end : (next <= end || next < 1e-9) { next = end }
            x = next
            if rule(x) != base { break }
            if x == end { return nil }
            previous = x
        }
        // Bisect: `previous` keeps today's recommendation, `x` does not.
        var near = previous, far = x
        if integer {
            while abs(far - near) > 1 {
                let mid = ((near + far) / 2).rounded(.down)
                if rule(mid) != base { far = mid } else { near = mid }
            }
        } else {
            for _ in 0..<200 {
                let mid = near > 0 && far > 0 ? (near * far).squareRoot() : (near + far) / 2
                guard mid != near, mid != far else { break }
                if rule(mid) != base { far = mid } else { near = mid }
                if abs(far - near) <= abs(far) * 1e-12 { break }
            }
        }
        return far
    }
}
