import Formatting
import Foundation
import Pricing

/// The memory one instance holds on an on-prem platform, from its profile's `instance:` figures:
/// the function's memory as the trace or the deployment gives it, else the platform's default
/// for an instance, raised to the platform's least, plus what the platform runs beside it (a
/// sidecar). A cloud target bills its own memory sizes instead (`Billing.memory`).
public struct InstanceMemoryRule: Sendable, Equatable {
    /// Where an instance's memory figure came from.
    public enum Basis: String, Sendable, CaseIterable {
        /// The trace's (or its app's share, or the deployment's) memory.
        case trace
        /// The platform's default for an instance: neither the trace nor the deployment said.
        case platformDefault = "platform-default"
        /// Nothing said and no platform default: Placer's assumed memory.
        case assumed
        /// Raised to the platform's least memory for an instance.
        case floor
    }

    /// Memory beside each instance, MB.
    public var overheadMB: Double
    public var defaultMB: Double?
    public var minMB: Double?

    public init(overheadMB: Double = 0, defaultMB: Double? = nil, minMB: Double? = nil) {
        self.overheadMB = overheadMB
        self.defaultMB = defaultMB
        self.minMB = minMB
    }

    /// The rule of an on-prem profile with an `instance:` section; nil otherwise.
    public init?(profile: Profile) {
        guard profile.kind == .onprem, let i = profile.instance else { return nil }
        func mb(_ f: Figure?) -> Double? { f.map { NSDecimalNumber(decimal: $0.canonical).doubleValue } }
        self.init(overheadMB: mb(i.overhead) ?? 0, defaultMB: mb(i.defaultMemory), minMB: mb(i.minMemory))
    }

    /// An instance's memory, MB, and its basis, for a unit whose functions ask for `requestedMB`
    /// between them; `said` is false when none of them has a memory from the trace or deployment.
    public func memory(requestedMB: Double, said: Bool) -> (mb: Double, basis: Basis) {
        var mb = requestedMB
        var basis: Basis = said ? .trace : .assumed
        if !said, let d = defaultMB { mb = d; basis = .platformDefault }
        if let m = minMB, mb < m { mb = m; basis = .floor }
        return (mb + overheadMB, basis)
    }

    /// One line for the target's notes: how many scaling units took each basis.
    public func note(_ counts: [Basis: Int]) -> String { "instance memory of scaling units: " + describe(counts) }

    /// How many scaling units took each basis, and what the platform adds beside each instance.
    public func describe(_ counts: [Basis: Int]) -> String {
        func n(_ x: Double) -> String { Numbers.number(x, .trimmed) }
        var parts: [String] = []
        if let c = counts[.trace] { parts.append("\(c) at the trace's memory") }
        if let c = counts[.platformDefault], let d = defaultMB { parts.append("\(c) at the platform's default of \(n(d)) MB (no memory in the trace or the deployment)") }
        if let c = counts[.assumed] { parts.append("\(c) at the memory Placer assumes (no memory anywhere, no platform default)") }
        if let c = counts[.floor], let m = minMB { parts.append("\(c) raised to the platform's least of \(n(m)) MB") }
        let beside = overheadMB > 0 ? ", each with \(n(overheadMB)) MB beside it (the platform's per-instance part)" : ""
        return parts.joined(separator: "; ") + beside
    }
}

/// What a replay did with a platform's footprint: the rule, and scaling units by memory basis.
public struct InstanceMemoryUse: Sendable, Equatable {
    public var rule: InstanceMemoryRule
    public var bases: [InstanceMemoryRule.Basis: Int]

    public init(rule: InstanceMemoryRule, bases: [InstanceMemoryRule.Basis: Int]) {
        self.rule = rule
        self.bases = bases
    }
}
