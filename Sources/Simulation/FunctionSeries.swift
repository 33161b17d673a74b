import Pricing

/// Per-minute load of one scaling unit on one target, for capacity planning (on-prem sizing
/// adds these up across the functions it places, so that the peak is the peak of the sum).
///
/// Opt-in (`SimulationOptions.functionSeries`): a series costs a number per minute per unit.
public struct UnitSeries: Sendable, Equatable {
    /// Mean memory held by the unit's instances in each minute, MB (idle keep-alive included).
    public var memoryMB: [Double]
    /// Mean calls executing in each minute (a cold start's init included): the unit's busy CPU
    /// at one core per call in execution.
    public var busyCalls: [Double]

    public init(memoryMB: [Double], busyCalls: [Double]) {
        self.memoryMB = memoryMB
        self.busyCalls = busyCalls
    }
}

/// Collects a unit's series while it is replayed: seconds per minute, as partial minutes plus a
/// difference array of whole minutes (as `Accumulator` does for a target's series).
struct SeriesCollector: Sendable {
    let spanMinutes: Int
    var mbPartial: [Double], mbWhole: [Double], busyPartial: [Double], busyWhole: [Double]

    init(spanMinutes: Int) {
        self.spanMinutes = spanMinutes
        let zeros = [Double](repeating: 0, count: spanMinutes + 2)
        mbPartial = zeros; mbWhole = zeros; busyPartial = zeros; busyWhole = zeros
    }

    private static func add(_ a: Double, _ b: Double, weight: Double, partial: inout [Double], whole: inout [Double], last: Int) {
        guard b > a else { return }
        let ma = min(last, max(0, Int(a / 60))), mb = min(last, max(0, Int(b / 60)))
        if ma == mb { partial[ma] += (b - a) * weight; return }
        partial[ma] += (Double(ma + 1) * 60 - a) * weight
        partial[mb] += (b - Double(mb) * 60) * weight
        if mb > ma + 1 { whole[ma + 1] += 60 * weight; whole[mb] -= 60 * weight }
    }

    /// An instance alive over [a, b) seconds holding `memoryMB`.
    mutating func addLifetime(_ a: Double, _ b: Double, memoryMB: Double) {
        Self.add(a, b, weight: memoryMB, partial: &mbPartial, whole: &mbWhole, last: spanMinutes)
    }

    /// A call executing until `end` seconds for `seconds` (clipped to the window).
    mutating func addBusy(end: Double, seconds: Double) {
        let window = Double(spanMinutes) * 60
        Self.add(max(0, end - seconds), min(end, window), weight: 1, partial: &busyPartial, whole: &busyWhole, last: spanMinutes)
    }

    func finish() -> UnitSeries {
        var memory = [Double](repeating: 0, count: spanMinutes), busy = memory
        var wholeMB = 0.0, wholeBusy = 0.0
        for i in 0..<spanMinutes {
            wholeMB += mbWhole[i]; wholeBusy += busyWhole[i]
            memory[i] = (wholeMB + mbPartial[i]) / 60
            busy[i] = (wholeBusy + busyPartial[i]) / 60
        }
        return UnitSeries(memoryMB: memory, busyCalls: busy)
    }
}
