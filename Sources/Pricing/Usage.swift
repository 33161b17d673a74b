import Foundation

/// The billed size of an execution environment: memory after the provider's memory rule, and
/// the CPU that goes with it.
public struct Shape: Hashable, Sendable {
    /// Billed memory in MB (1 GB = 1,024 MB).
    public var memoryMB: Int
    /// vCPUs allocated (informational where CPU is not billed separately, e.g. Lambda).
    public var vcpu: Decimal
    /// GHz billed, where the provider bills GHz-s (Cloud Functions gen1).
    public var ghz: Decimal?

    public init(memoryMB: Int, vcpu: Decimal, ghz: Decimal? = nil) {
        self.memoryMB = memoryMB
        self.vcpu = vcpu
        self.ghz = ghz
    }
}

/// Usage of one target over `days` days, already rounded the way the provider rounds each
/// invocation, so it can be summed across functions and priced once for the account.
///
/// All durations are integer milliseconds per `Shape`, which keeps sums exact. The simulation
/// fills one per function with `UsageRecorder`, adds them up with `+`, and hands the account
/// total to `BillingEngine.price`.
public struct UsageSummary: Sendable, Equatable {
    /// Length of the trace the usage came from; the engine projects it to a 30-day month.
    public var days: Decimal
    public var invocations: Int64 = 0
    public var coldStarts: Int64 = 0
    /// Billed on-demand execution time (rounding and minimum applied per invocation).
    public var executionMs: [Shape: Int64] = [:]
    /// Billed init time of cold starts, where the target bills it.
    public var initMs: [Shape: Int64] = [:]
    /// Instance lifetime, for instance-based billing.
    public var instanceMs: [Shape: Int64] = [:]
    /// Environment-time held provisioned / always ready / as min instances, rounded to the billing unit.
    public var provisionedMs: [Shape: Int64] = [:]
    /// Billed execution time that ran on provisioned environments.
    public var provisionedExecutionMs: [Shape: Int64] = [:]
    public var egressBytes: Int64 = 0
    /// Set when a count or a sum of milliseconds went past `Int64` (every addition and product
    /// here is checked); `BillingEngine.price` refuses such a usage rather than bill a wrapped figure.
    public var overflowed = false
    /// Billed duration of calls with ephemeral storage above the target's included amount, by
    /// that excess in MB (Lambda bills it per GB-s).
    public var storageMs: [Int: Int64] = [:]

    public init(days: Decimal = 30) { self.days = days }

    /// Adds another function's usage over the same period.
    public static func + (lhs: UsageSummary, rhs: UsageSummary) -> UsageSummary {
        var sum = lhs
        var overflowed = lhs.overflowed || rhs.overflowed
        func add(_ a: Int64, _ b: Int64) -> Int64 {
            let (total, overflow) = a.addingReportingOverflow(b)
            if overflow { overflowed = true }
            return overflow ? .max : total
        }
        sum.invocations = add(sum.invocations, rhs.invocations)
        sum.coldStarts = add(sum.coldStarts, rhs.coldStarts)
        sum.executionMs.merge(rhs.executionMs, uniquingKeysWith: add)
        sum.initMs.merge(rhs.initMs, uniquingKeysWith: add)
        sum.instanceMs.merge(rhs.instanceMs, uniquingKeysWith: add)
        sum.provisionedMs.merge(rhs.provisionedMs, uniquingKeysWith: add)
        sum.provisionedExecutionMs.merge(rhs.provisionedExecutionMs, uniquingKeysWith: add)
        sum.egressBytes = add(sum.egressBytes, rhs.egressBytes)
        sum.storageMs.merge(rhs.storageMs, uniquingKeysWith: add)
        sum.overflowed = overflowed
        return sum
    }

    /// `table[shape] += count × ms`, checked.
    mutating func add<Key: Hashable>(_ count: Int64, times ms: Int64, to keyPath: WritableKeyPath<UsageSummary, [Key: Int64]>, _ shape: Key) {
        let (product, o1) = count.multipliedReportingOverflow(by: ms)
        let (total, o2) = self[keyPath: keyPath][shape, default: 0].addingReportingOverflow(product)
        if o1 || o2 { overflowed = true; return }
        self[keyPath: keyPath][shape] = total
    }

    /// `self[keyPath] += count`, checked.
    mutating func add(_ count: Int64, to keyPath: WritableKeyPath<UsageSummary, Int64>) {
        let (total, overflow) = self[keyPath: keyPath].addingReportingOverflow(count)
        if overflow { overflowed = true; return }
        self[keyPath: keyPath] = total
    }
}

/// Why a usage could not be recorded or priced.
public enum PricingError: Error, Sendable, CustomStringConvertible, Equatable {
    case notPricedPerUse(target: String)
    case memoryOutOfRange(target: String, memoryMB: Int, minMB: Int, maxMB: Int)
    case invalidUsage(String)
    case unknownRegion(target: String, region: String, known: [String])
    case noProvisionedPricing(target: String)

    public var description: String {
        switch self {
        case .notPricedPerUse(let target):
            return "\(target) is an on-prem platform: its cost is the cluster it needs, not a price per use"
        case .memoryOutOfRange(let target, let mb, let min, let max):
            return "\(target) accepts \(min)–\(max) MB of memory, not \(mb) MB"
        case .invalidUsage(let text): return text
        case .unknownRegion(let target, let region, let known):
            return "\(target) has no prices for region '\(region)' (its regions: \(known.joined(separator: ", ")); add one with an override of billing.regionPrices or billing.regions)"
        case .noProvisionedPricing(let target):
            return "\(target) has no provisioned / always-ready / min-instance prices in its profile"
        }
    }
}

/// Applies a target's per-invocation billing rules (duration rounding, minimum billed duration,
/// memory rounding, CPU coupling, init billing) and accumulates a `UsageSummary`.
public struct UsageRecorder: Sendable {
    public let target: String
    public let billing: Billing
    public private(set) var summary: UsageSummary

    /// - Parameter days: length of the period the recorded usage covers.
    public init(profile: Profile, days: Decimal = 30) throws {
        guard let billing = profile.billing else { throw PricingError.notPricedPerUse(target: profile.id) }
        guard days > 0 else { throw PricingError.invalidUsage("the usage period must be longer than 0 days") }
        self.target = profile.id
        self.billing = billing
        self.summary = UsageSummary(days: days)
    }

    /// The billed shape for a function given `memoryMB` of memory (configured, or observed for
    /// targets that bill observed memory) and optionally a configured vCPU count.
    public func shape(memoryMB: Int, vcpu: Decimal? = nil) throws -> Shape {
        let rule = billing.memory
        let minMB = Self.int(rule.min.canonical), maxMB = Self.int(rule.max.canonical), step = max(1, Self.int(rule.step.canonical))
        var billed: Int
        switch rule.basis {
        case .observed:
            // Azure Consumption: observed memory rounded up to the next step, at most `max`.
            billed = min(maxMB, max(minMB, Self.roundUp(memoryMB, to: step)))
        case .configured:
            guard memoryMB >= minMB, memoryMB <= maxMB else {
                throw PricingError.memoryOutOfRange(target: target, memoryMB: memoryMB, minMB: minMB, maxMB: maxMB)
            }
            billed = Self.roundUp(memoryMB, to: step)
        }
        // Fixed sizes (Azure Flex, OCI): the next allowed size at or above it.
        if let size = rule.sizesMB.first(where: { $0 >= billed }) { billed = size }
        switch billing.cpu {
        case .proportional(let perVCPU):
            return Shape(memoryMB: billed, vcpu: vcpu ?? Decimal(billed) / perVCPU.canonical)
        case .table(let rows, let ghzPerVCPU):
            guard let row = rows.first(where: { $0.memoryMB >= billed }) else {
                throw PricingError.memoryOutOfRange(target: target, memoryMB: memoryMB, minMB: minMB, maxMB: rows.last?.memoryMB ?? maxMB)
            }
            billed = row.memoryMB
            return Shape(memoryMB: billed, vcpu: row.vcpu, ghz: row.ghz ?? ghzPerVCPU.map { row.vcpu * $0.canonical })
        case .configured(let defaultVCPU):
            return Shape(memoryMB: billed, vcpu: vcpu ?? defaultVCPU.canonical)
        case .none:
            return Shape(memoryMB: billed, vcpu: vcpu ?? 0)
        }
    }

    /// The longest duration one execution, init or lifetime may bill, ms (about 31 years): its
    /// microseconds fit `Int64` with room for rounding. A longer one marks the usage overflowed.
    public static let longestBilledMs = 1e12

    /// Billed milliseconds for one execution of `durationMs`: rounded up to the billing unit, at
    /// least the minimum. The duration is first taken to whole microseconds, so a trace's
    /// floating-point noise (300.00000000000006 ms) does not cross a rounding edge. Durations
    /// beyond `longestBilledMs` (or not finite) are billed as that.
    public func billedMs(_ durationMs: Double) -> Int64 {
        let bounded = durationMs.isFinite ? min(max(0, durationMs), Self.longestBilledMs) : Self.longestBilledMs
        let micros = Int64((bounded * 1000).rounded())
        let unitMicros = max(1, Self.int64(billing.durationRounding.canonical * 1000))
        let rounded = (micros + unitMicros - 1) / unitMicros * unitMicros
        let minimumMicros = Self.int64(billing.minimumBilledDuration.canonical * 1000)
        // Whole milliseconds: every provider's unit and minimum are whole ms.
        return (max(rounded, minimumMicros) + 999) / 1000
    }

    /// Records `count` invocations of the same duration and shape.
    ///
    /// - Parameters:
    ///   - initMs: init time of a cold start, when these invocations were cold starts.
    ///   - onProvisioned: the invocations ran on provisioned environments (billed at that rate).
    public mutating func invocations(_ count: Int64 = 1, durationMs: Double, shape: Shape,
                                     initMs: Double? = nil, onProvisioned: Bool = false) {
        guard count > 0 else { return }
        if !(durationMs <= Self.longestBilledMs) || !((initMs ?? 0) <= Self.longestBilledMs) { summary.overflowed = true }
        summary.add(count, to: \.invocations)
        let run = billedMs(durationMs)
        summary.add(count, times: run, to: onProvisioned ? \.provisionedExecutionMs : \.executionMs, shape)
        if let initMs {
            summary.add(count, to: \.coldStarts)
            if billing.initBilled.billed {
                // The provider rounds the cold invocation as one duration (init + run), so the
                // init share is what that adds beyond the run's own rounding.
                let together = billedMs(durationMs + initMs)
                summary.add(count, times: together - run, to: \.initMs, shape)
            }
        }
    }

    /// Records `count` cold starts whose init time is billed separately from any invocation
    /// (the `price` calculator's `--cold-starts C --init-ms I`).
    public mutating func coldStarts(_ count: Int64, initMs: Double, shape: Shape) {
        guard count > 0 else { return }
        if !(initMs <= Self.longestBilledMs) { summary.overflowed = true }
        summary.add(count, to: \.coldStarts)
        if billing.initBilled.billed {
            summary.add(count, times: billedMs(initMs), to: \.initMs, shape)
        }
    }

    /// Records an instance's lifetime (instance-based billing), rounded to the billing unit.
    public mutating func instance(lifetimeMs: Double, shape: Shape) {
        if !(lifetimeMs <= Self.longestBilledMs) { summary.overflowed = true }
        summary.add(1, times: billedMs(lifetimeMs), to: \.instanceMs, shape)
    }

    /// Records `environments` environments held provisioned for `heldMs`, rounded up to the
    /// provisioned billing unit (Lambda: 5 minutes).
    public mutating func provisioned(environments: Int64, heldMs: Double, shape: Shape) throws {
        guard let p = billing.provisioned else { throw PricingError.noProvisionedPricing(target: target) }
        let unit = max(1, Self.int64(p.rounding?.canonical ?? 1))
        guard heldMs.isFinite, heldMs <= Self.longestBilledMs else { summary.overflowed = true; return }
        let ms = Int64(max(0, heldMs).rounded(.up))
        summary.add(environments, times: (ms + unit - 1) / unit * unit, to: \.provisionedMs, shape)
    }

    /// Records `billedMs` of billed duration of calls configured with `storageMB` of ephemeral
    /// storage; only what exceeds the target's included amount is kept (nothing where the target
    /// does not bill storage).
    public mutating func storage(mb storageMB: Int, billedMs: Int64) {
        guard let rule = billing.ephemeralStorage, billedMs > 0 else { return }
        let excess = storageMB - Self.int(rule.included.canonical)
        guard excess > 0 else { return }
        summary.add(1, times: billedMs, to: \.storageMs, excess)
    }

    /// Records bytes sent to the internet.
    public mutating func egress(bytes: Int64) { summary.add(max(0, bytes), to: \.egressBytes) }

    private static func roundUp(_ value: Int, to step: Int) -> Int { (max(value, 1) + step - 1) / step * step }
    private static func int(_ d: Decimal) -> Int { NSDecimalNumber(decimal: d).intValue }
    private static func int64(_ d: Decimal) -> Int64 { NSDecimalNumber(decimal: d).int64Value }
}
