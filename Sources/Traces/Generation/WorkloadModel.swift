#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One generated app: Azure's unit of scaling and memory.
public struct AppSpec: Sendable, Equatable {
    /// Index of the app's owner (owners hold one or more apps).
    public var owner: Int
    /// The app's functions: a range of indices into `WorkloadModel.functions`.
    public var functions: Range<Int>
    /// Average committed memory in MB (Burr XII).
    public var memoryMB: Double
    /// Average invocations per day of the whole app, before the daily pattern.
    public var dailyRate: Double
    /// True when its arrivals are bursty (inter-arrival CV above 1).
    public var bursty: Bool
}

/// One generated function.
public struct FunctionSpec: Sendable, Equatable {
    public var app: Int
    public var trigger: Trigger
    /// Average invocations per day (a week's average of the daily pattern).
    public var dailyRate: Double
    /// Average execution time in ms (log-normal across functions).
    public var averageMs: Double
    /// Log standard deviation of this function's executions around its average.
    public var spread: Double
    /// Hour of the day of this function's diurnal peak; nil for a flat load (timers).
    public var peakHour: Double?
    /// For timers: minutes between firings, invocations per firing, and the phase (minute offset).
    public var timerPeriod: Int
    public var timerBatch: Int
    public var timerPhase: Int

    /// The log-normal μ of single executions (ms) whose mean is `averageMs`.
    public var executionLogMean: Double { log(averageMs) - spread * spread / 2 }
}

/// A synthetic population of apps and functions with the published Azure 2019 shape
/// (`AzureShape`): app sizes, trigger mix, rates over 8 orders of magnitude, log-normal execution
/// times, Burr memory. A pure function of (function count, seed).
public struct WorkloadModel: Sendable {
    public var seed: UInt64
    public var apps: [AppSpec]
    public var functions: [FunctionSpec]
    /// Number of owners.
    public var owners: Int

    /// Builds `functionCount` functions grouped into apps. `maxDailyRate`, when given, caps each
    /// function's average invocations per day (for small per-invocation samples).
    public init(functions functionCount: Int, seed: UInt64, maxDailyRate: Double? = nil) {
        self.seed = seed
        var random = SeededRandom(seed: seed, stream: 0x4D4F_4445_4C)  // "MODEL"
        var apps: [AppSpec] = []
        var functions: [FunctionSpec] = []
        functions.reserveCapacity(functionCount)
        var owner = -1
        var appsLeftForOwner = 0
        let busyShare = 1 - AzureShape.atMostMinutelyAppShare
        let triggers = Trigger.allCases
        let busyMix = triggers.map { AzureShape.busyFunctionShareByTrigger[$0] ?? 0 }
        let quietMix = triggers.map { t in
            max(0, ((AzureShape.functionShareByTrigger[t] ?? 0) - busyShare * (AzureShape.busyFunctionShareByTrigger[t] ?? 0))
                / (1 - busyShare))
        }
        let tilt = triggers.map { t in
            (AzureShape.invocationShareByTrigger[t] ?? 0) / max(AzureShape.busyFunctionShareByTrigger[t] ?? 0, 1e-9)
        }
        while functions.count < functionCount {
            if appsLeftForOwner == 0 {
                owner += 1
                // [Placer] Owners hold 1 + Geometric(0.6) apps.
                appsLeftForOwner = 1
                while random.bernoulli(0.4) { appsLeftForOwner += 1 }
            }
            appsLeftForOwner -= 1
            let size = min(Self.appSize(&random), functionCount - functions.count)
            let appRate = Self.appDailyRate(&random)
            let busy = appRate >= 1440
            let memory = min(max(random.burrXII(c: AzureShape.memoryBurrC, k: AzureShape.memoryBurrK,
                                                lambda: AzureShape.memoryBurrLambda),
                                 AzureShape.memoryClampMB.lowerBound), AzureShape.memoryClampMB.upperBound)
            let bursty = random.bernoulli(AzureShape.burstyAppShare)
            let appPeak = AzureShape.peakHour + AzureShape.peakHourSpread * random.normal()
            let appIndex = apps.count
            let first = functions.count
            // Split the app's rate among its functions with skewed weights; in busy apps each
            // trigger's tilt moves invocations toward queue and event functions.
            var base: [Double] = [], tilts: [Double] = []
            for _ in 0..<size {
                let t = random.pick(weights: busy ? busyMix : quietMix)
                let trigger = triggers[t]
                base.append(random.logNormal(mu: 0, sigma: 1.5))
                tilts.append(busy ? tilt[t] : 1)
                let average = min(max(random.logNormal(mu: AzureShape.durationLogMean, sigma: AzureShape.durationLogSigma) * 1000,
                                      AzureShape.durationClampMs.lowerBound), AzureShape.durationClampMs.upperBound)
                let spread = random.uniform(AzureShape.durationSpreadRange.lowerBound, AzureShape.durationSpreadRange.upperBound)
                functions.append(FunctionSpec(
                    app: appIndex, trigger: trigger, dailyRate: 0, averageMs: average, spread: spread,
                    peakHour: trigger == .timer ? nil : appPeak + random.normal(mean: 0, sd: 0.5),
                    timerPeriod: 1, timerBatch: 1, timerPhase: 0))
            }
            // Quiet apps keep their exact rate; busy apps keep the trigger tilt and stay busy.
            var scale = appRate / base.reduce(0, +)
            let tilted = zip(base, tilts).reduce(0) { $0 + $1.0 * $1.1 }
            if busy && tilted * scale < 1440 { scale = 1440 / tilted }
            var appTotal = 0.0
            for i in 0..<size {
                var rate = scale * base[i] * tilts[i]
                if let cap = maxDailyRate { rate = min(rate, cap) }
                functions[first + i].dailyRate = rate
                if functions[first + i].trigger == .timer { Self.setTimer(&functions[first + i], &random) }
                appTotal += functions[first + i].dailyRate
            }
            apps.append(AppSpec(owner: owner, functions: first..<functions.count, memoryMB: memory,
                                dailyRate: appTotal, bursty: bursty))
        }
        self.apps = apps
        self.functions = functions
        self.owners = owner + 1
    }

    /// An app's number of functions: 54 % one, 95 % at most ten, a Pareto tail beyond.
    static func appSize(_ random: inout SeededRandom) -> Int {
        let u = random.uniform()
        if u < AzureShape.singleFunctionAppShare { return 1 }
        if u < AzureShape.atMostTenFunctionsAppShare {
            let weights = (2...10).map { pow(AzureShape.smallAppSizeDecay, Double($0)) }
            return 2 + random.pick(weights: weights)
        }
        // Pareto tail from 11 (inversion: 11 · U^(−1/α)), capped.
        let size = 11 * pow(random.uniformPositive(), -1 / AzureShape.largeAppTailIndex)
        return min(AzureShape.largestAppSize, Int(size.rounded(.down)))
    }

    /// An app's average invocations per day, from the piecewise log-uniform quantile function.
    static func appDailyRate(_ random: inout SeededRandom) -> Double {
        let u = random.uniform()
        let knots = AzureShape.appRateQuantiles
        for i in 1..<knots.count where u < knots[i].share || i == knots.count - 1 {
            let (q0, x0) = knots[i - 1], (q1, x1) = knots[i]
            let x = x0 + (x1 - x0) * (u - q0) / (q1 - q0)
            return pow(10, x)
        }
        return 1
    }

    /// Timers fire on a fixed period: the rate is snapped to whole minutes between firings (or
    /// whole invocations per minute when busier than once a minute).
    static func setTimer(_ f: inout FunctionSpec, _ random: inout SeededRandom) {
        let perMinute = f.dailyRate / 1440
        if perMinute >= 1 {
            f.timerPeriod = 1
            f.timerBatch = Int(perMinute.rounded())
        } else {
            let candidates = [1, 2, 5, 10, 15, 20, 30, 60, 120, 180, 360, 720, 1440, 2880, 10080]
            let wanted = 1 / max(perMinute, 1e-9)
            f.timerPeriod = candidates.min { abs(log(Double($0) / wanted)) < abs(log(Double($1) / wanted)) } ?? 60
            f.timerBatch = 1
        }
        f.timerPhase = random.int(below: f.timerPeriod)
        f.dailyRate = 1440 * Double(f.timerBatch) / Double(f.timerPeriod)
    }
}
