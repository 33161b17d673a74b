#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Random streams, one per purpose, so that each file kind draws from its own stream and a
/// function-day's numbers never depend on other functions, days or presets.
enum Stream: UInt64 {
    case counts = 1, durationsRow, memoryRow, executions, offsets, lambda, huawei
}

/// Per-minute invocation counts of one function over one day, following its rate, the diurnal and
/// weekly pattern (`AzureShape`), hourly bursts for bursty apps, and fixed periods for timers.
///
/// Counts are Poisson per minute around the pattern. Busy functions draw one Poisson per minute;
/// quiet ones (expected < 300 a day) draw event times instead (exponential gaps at the peak rate,
/// thinned to the minute's rate: P. A. W. Lewis and G. S. Shedler, "Simulation of nonhomogeneous
/// Poisson processes by thinning", 1979), which gives the same distribution at a cost per event
/// rather than per minute.
struct ArrivalModel: Sendable {
    let model: WorkloadModel
    /// (1 + cos)/2 around the peak, by minute distance from it: the diurnal swing, 0…1.
    let diurnal: [Double]
    /// The pattern's mean over a week, so that rates stay weekly averages.
    let weeklyMean: Double

    static let sparseLimitPerDay = 300.0

    init(model: WorkloadModel) {
        self.model = model
        diurnal = (0..<1440).map { m in (1 + cos(2 * Double.pi * Double(m) / 1440)) / 2 }
        let base = AzureShape.baselineShareOfPeak
        let swingMean = (5 + 2 * AzureShape.weekendSwing) / 7
        weeklyMean = base + (1 - base) * 0.5 * swingMean
    }

    /// Weekday (0 = Monday) of trace day `day` (1-based).
    static func weekday(day: Int) -> Int { (AzureShape.firstDayWeekday + day - 1) % 7 }

    /// Fills `counts` (1440 entries) for function `f` on trace day `day`; returns the day's total.
    func minuteCounts(function f: Int, day: Int, into counts: inout [Int32]) -> Int {
        let spec = model.functions[f]
        for i in 0..<1440 { counts[i] = 0 }
        let dayStart = (day - 1) * 1440
        if spec.trigger == .timer {
            var total = 0
            // First firing at or after the day's start: minutes ≡ phase (mod period).
            let period = spec.timerPeriod
            var m = ((spec.timerPhase - dayStart) % period + period) % period
            while m < 1440 {
                counts[m] = Int32(spec.timerBatch)
                total += spec.timerBatch
                m += period
            }
            return total
        }
        var random = SeededRandom(seed: model.seed, stream: Stream.counts.rawValue, UInt64(f), UInt64(day))
        let base = AzureShape.baselineShareOfPeak
        let swing = (1 - base) * (Self.weekday(day: day) >= 5 ? AzureShape.weekendSwing : 1)
        let perMinute = spec.dailyRate / 1440 / weeklyMean
        var hourly = [Double](repeating: 1, count: 24)
        if model.apps[spec.app].bursty {
            let sigma = AzureShape.burstSigma
            for h in 0..<24 { hourly[h] = exp(sigma * random.normal() - sigma * sigma / 2) }
        }
        var peakMinute = Int(((spec.peakHour ?? 0) * 60).rounded()) % 1440
        if peakMinute < 0 { peakMinute += 1440 }
        @inline(__always) func rate(_ m: Int) -> Double {
            var d = m - peakMinute
            if d < 0 { d += 1440 }
            return perMinute * (base + swing * diurnal[d]) * hourly[m / 60]
        }
        var total = 0
        if spec.dailyRate * (hourly.max() ?? 1) < Self.sparseLimitPerDay {
            let peak = perMinute * (base + swing) * (hourly.max() ?? 1)
            guard peak > 0 else { return 0 }
            var t = random.exponential(rate: peak)
            while t < 1440 {
                let m = Int(t)
                if random.uniform() * peak < rate(m) {
                    counts[m] += 1
                    total += 1
                }
                t += random.exponential(rate: peak)
            }
        } else {
            for m in 0..<1440 {
                let n = random.poisson(mean: rate(m))
                counts[m] = Int32(clamping: n)
                total += n
            }
        }
        return total
    }
}

/// One invocation as the per-invocation presets write it.
struct GeneratedInvocation {
    /// Seconds since the trace start (day 1, 00:00).
    var start: Double
    var function: Int
    var durationMs: Double
}

/// The executions of one function-day: start offsets within each minute and execution times.
///
/// Offsets follow the In-Vitro loader's `exponential` mode (vhive-serverless/loader,
/// `generator/specification.go`): n exponential gaps rescaled to sum to 60 s, the first
/// invocation at the minute's start. Execution times are log-normal around the function's
/// average, clamped to `AzureShape.durationClampMs`.
struct ExecutionSampler {
    private var offsets: SeededRandom
    private var executions: SeededRandom
    private let mu: Double
    private let sigma: Double
    private var gaps: [Double] = []

    init(model: WorkloadModel, function f: Int, day: Int) {
        offsets = SeededRandom(seed: model.seed, stream: Stream.offsets.rawValue, UInt64(f), UInt64(day))
        executions = SeededRandom(seed: model.seed, stream: Stream.executions.rawValue, UInt64(f), UInt64(day))
        mu = model.functions[f].executionLogMean
        sigma = model.functions[f].spread
    }

    /// Appends the starts (seconds) of `n` invocations in the minute beginning at `minuteStart`.
    mutating func starts(_ n: Int, minuteStart: Double, into out: inout [Double]) {
        guard n > 0 else { return }
        gaps.removeAll(keepingCapacity: true)
        var sum = 0.0
        for _ in 0..<n {
            let g = offsets.exponential()
            gaps.append(g)
            sum += g
        }
        var t = 0.0
        for i in 0..<n {
            out.append(minuteStart + t)
            t += gaps[i] / sum * 60
        }
    }

    /// One execution time in ms.
    mutating func executionMs() -> Double {
        let x = exp(mu + sigma * executions.normal())
        return min(max(x, AzureShape.durationClampMs.lowerBound), AzureShape.durationClampMs.upperBound)
    }
}

/// Walks the invocations of a set of functions over days, in start order (ties by function),
/// one minute at a time so memory holds only a minute's invocations plus a day's sparse counts.
struct InvocationWalker {
    let arrivals: ArrivalModel
    let functions: [Int]
    let days: ClosedRange<Int>

    func walk(_ body: (GeneratedInvocation) throws(GenerationError) -> Void) throws(GenerationError) {
        var counts = [Int32](repeating: 0, count: 1440)
        var starts: [Double] = []
        var minute: [GeneratedInvocation] = []
        for day in days {
            // Sparse counts of the day, bucketed by minute: (function slot, count).
            var buckets = [[(Int, Int32)]](repeating: [], count: 1440)
            var samplers: [ExecutionSampler] = []
            samplers.reserveCapacity(functions.count)
            for (slot, f) in functions.enumerated() {
                samplers.append(ExecutionSampler(model: arrivals.model, function: f, day: day))
                if arrivals.minuteCounts(function: f, day: day, into: &counts) == 0 { continue }
                for m in 0..<1440 where counts[m] > 0 { buckets[m].append((slot, counts[m])) }
            }
            for m in 0..<1440 where !buckets[m].isEmpty {
                let minuteStart = Double((day - 1) * 1440 + m) * 60
                minute.removeAll(keepingCapacity: true)
                for (slot, n) in buckets[m] {
                    starts.removeAll(keepingCapacity: true)
                    samplers[slot].starts(Int(n), minuteStart: minuteStart, into: &starts)
                    for s in starts {
                        minute.append(GeneratedInvocation(start: s, function: functions[slot],
                                                          durationMs: samplers[slot].executionMs()))
                    }
                }
                if buckets[m].count > 1 {
                    minute.sort { $0.start != $1.start ? $0.start < $1.start : $0.function < $1.function }
                }
                for invocation in minute { try body(invocation) }
            }
        }
    }
}
