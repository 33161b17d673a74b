/// The published shape of the Azure Functions 2019 workload, each figure in one place.
///
/// Source of every figure marked [SitW]: M. Shahrad et al., "Serverless in the Wild:
/// Characterizing and Optimizing the Serverless Workload at a Large Cloud Provider",
/// USENIX ATC 2020, https://www.usenix.org/conference/atc20/presentation/shahrad (the figures
/// are listed in docs/sources.md). Figures marked [Placer] are this generator's own modelling
/// choices, made to reproduce the published ones.
public enum AzureShape {
    // MARK: Apps and functions

    /// [SitW] 54 % of apps have a single function.
    public static let singleFunctionAppShare = 0.54
    /// [SitW] 95 % of apps have at most 10 functions.
    public static let atMostTenFunctionsAppShare = 0.95
    /// [Placer] Apps of 2…10 functions: P(size = s) ∝ decay^s (a geometric decline).
    public static let smallAppSizeDecay = 0.62
    /// [Placer] Apps above 10 functions: Pareto tail from 11 with this index (mean ≈ 33).
    public static let largeAppTailIndex = 1.5
    /// [Placer] The largest app generated (the paper's largest apps have thousands).
    public static let largestAppSize = 1000

    // MARK: Triggers

    /// [SitW] Share of functions by trigger (storage, not separated in our reference
    /// sheet, takes half of "others" [Placer]).
    public static let functionShareByTrigger: [Trigger: Double] = [
        .http: 0.55, .queue: 0.15, .event: 0.02, .timer: 0.16, .orchestration: 0.07,
        .storage: 0.025, .others: 0.025,
    ]
    /// [SitW] Share of invocations by trigger (storage as above [Placer]).
    public static let invocationShareByTrigger: [Trigger: Double] = [
        .http: 0.36, .queue: 0.34, .event: 0.25, .timer: 0.02, .orchestration: 0.02,
        .storage: 0.005, .others: 0.005,
    ]
    /// [Placer] Trigger mix among functions of busy apps (≥ 1 invocation a minute). Busy apps make
    /// 99.6 % of invocations, so their trigger mix times a per-trigger rate tilt sets the
    /// invocation shares; quiet apps take the mix that restores the function shares.
    public static let busyFunctionShareByTrigger: [Trigger: Double] = [
        .http: 0.50, .queue: 0.20, .event: 0.08, .timer: 0.12, .orchestration: 0.06,
        .storage: 0.02, .others: 0.02,
    ]

    // MARK: Invocation rates

    /// [SitW] 45 % of apps are invoked at most once an hour on average.
    public static let atMostHourlyAppShare = 0.45
    /// [SitW] 81 % of apps are invoked at most once a minute on average.
    public static let atMostMinutelyAppShare = 0.81
    /// [SitW] The 18.6 % of apps invoked at least once a minute make 99.6 % of invocations.
    public static let busyAppInvocationShare = 0.996
    /// [SitW] Daily invocations span more than 8 orders of magnitude.
    public static let rateOrdersOfMagnitude = 8.0
    /// [Placer] Quantile knots (share of apps, log10 of average invocations per day) of the app
    /// rate distribution, log-uniform between knots. The inner knots are the paper's 45 % / 81 %
    /// points (once an hour = 24/day, once a minute = 1440/day); the outer ones span 8.2 orders of
    /// magnitude, and the 99 % knot is set so that apps above 1440/day make ≈ 99.6 % of
    /// invocations (expected share 99.61 %).
    public static let appRateQuantiles: [(share: Double, log10PerDay: Double)] = [
        (0.0, -1.2), (0.45, 1.380_211_241_7), (0.81, 3.158_362_492_1), (0.99, 5.3), (1.0, 7.0),
    ]
    /// [SitW] 40 % of apps have an inter-arrival coefficient of variation above 1.
    public static let burstyAppShare = 0.40
    /// [Placer] Bursty functions' hourly rate multiplier: log-normal with this σ, mean 1.
    public static let burstSigma = 1.2

    // MARK: Load pattern

    /// [SitW] Load follows a diurnal and weekly pattern over a baseline of about half
    /// the peak.
    public static let baselineShareOfPeak = 0.5
    /// [Placer] Hour of the day (UTC) of the diurnal peak, and the spread of functions' own peaks.
    public static let peakHour = 14.0
    public static let peakHourSpread = 3.0
    /// [Placer] The diurnal swing above the baseline on Saturdays and Sundays, relative to weekdays.
    public static let weekendSwing = 0.55

    // MARK: Execution time

    /// [SitW] Average execution time per function is log-normal (seconds): log-mean.
    public static let durationLogMean = -0.38
    /// [SitW] … and log standard deviation.
    public static let durationLogSigma = 2.36
    /// [Placer] Spread (log σ) of one function's executions around its average: uniform in this range.
    public static let durationSpreadRange = 0.15...1.1
    /// [Placer] Averages are clamped to 1 ms … 600 s (Azure's consumption-plan timeout is 10 min).
    public static let durationClampMs = 1.0...600_000.0

    // MARK: Memory

    /// [SitW] App committed memory (MB) is Burr XII with c = 11.652 …
    public static let memoryBurrC = 11.652
    /// [SitW] … k = 0.221 …
    public static let memoryBurrK = 0.221
    /// [SitW] … λ = 107.083.
    public static let memoryBurrLambda = 107.083
    /// [Placer] App memory is clamped to 16 MB … 4096 MB.
    public static let memoryClampMB = 16.0...4096.0

    /// Median of the Burr XII memory distribution: λ (2^(1/k) − 1)^(1/c) ≈ 139.6 MB.
    public static var memoryMedianMB: Double {
        memoryBurrLambda * pow(pow(2, 1 / memoryBurrK) - 1, 1 / memoryBurrC)
    }

    // MARK: Trace calendar

    /// [SitW] The trace covers 2019-07-15 (a Monday) to 2019-07-28; day 1 is a Monday.
    public static let firstDayWeekday = 0
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
