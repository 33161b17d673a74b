import Foundation
import Pricing

/// Everything a target's replay reads besides the workload and the run's options: its instance
/// model, the random numbers of its cold starts, and the billing rules that shape each call's
/// usage (rounding, memory sizes and vCPUs, what is billed per execution or per instance) — none
/// of its prices, which only `Accumulator.finish` reads. Two targets with equal signatures replay
/// every unit alike, call for call (Lambda on x86 and on arm64: `coldStart.drawsAs`).
struct ReplaySignature: Equatable {
    var model: TargetModel
    var stream: UInt64
    var clock: BillingClock?
    var memoryBounds: [Double]?
    var provisionedUnitMs: Int64?
    /// The billing rules the replay reads, each as its canonical value.
    var billing: [String]?

    init(_ target: SimulationTarget, stream: UInt64, clock: BillingClock?, memoryBounds: (min: Double, max: Double)?,
         provisionedUnitMs: Int64?, billing: Billing?) {
        model = target.model
        // Said in the outcome of the target it belongs to, not read by the replay.
        model.id = ""
        model.notes = []
        self.stream = stream
        self.clock = clock
        self.memoryBounds = memoryBounds.map { [$0.min, $0.max] }
        self.provisionedUnitMs = provisionedUnitMs
        self.billing = billing.map(Self.rules)
    }

    /// What `UsageRecorder.shape`, `GroupReplay` and the ephemeral storage's excess read.
    private static func rules(_ b: Billing) -> [String] {
        let memory = b.memory
        let cpu: String
        switch b.cpu {
        case .proportional(let perVCPU): cpu = "proportional \(perVCPU.canonical)"
        case .table(let rows, let ghz): cpu = "table \(rows.map { "\($0.memoryMB) \($0.vcpu) \($0.ghz.map { "\($0)" } ?? "-")" }) \(ghz.map { "\($0.canonical)" } ?? "-")"
        case .configured(let vcpu): cpu = "configured \(vcpu.canonical)"
        case .none: cpu = "none"
        }
        return [b.mode.rawValue, b.durationBasis.rawValue, "\(b.initBilled.billed)",
                "\(memory.basis.rawValue) \(memory.min.canonical) \(memory.max.canonical) \(memory.step.canonical) \(memory.sizesMB)",
                cpu, b.ephemeralStorage.map { "\($0.included.canonical)" } ?? "-"]
    }
}

/// The targets of a run that replay alike (equal `ReplaySignature`s): each replayed once, the
/// first of its kind, and its totals handed to the others, which price them at their own prices.
struct ReplayTwins {
    /// Per target: the index of the first target of the run that replays as it does.
    let first: [Int]

    init(_ prepared: [PreparedTarget], options: SimulationOptions) {
        first = prepared.indices.map { t in
            // A target whose functions carry their series is replayed on its own (its series are kept).
            guard !options.functionSeries.contains(prepared[t].target.profile.id) else { return t }
            return prepared.indices.first { u in
                u == t || (!options.functionSeries.contains(prepared[u].target.profile.id) && prepared[u].replay == prepared[t].replay)
            } ?? t
        }
    }

    /// Whether some target takes another's totals.
    var any: Bool { first.indices.contains { first[$0] != $0 } }
}
