import Foundation
import InputLimits
import Pricing

/// `placer price`: one steady workload billed for a month on one target, as the provider bills
/// it (rounding, minimum, memory rounding), then free grants and tiers (module Pricing).
public enum Price {
    /// The workload, the target and the pricing options.
    public struct Request: Sendable {
        /// Target id.
        public var target: String
        /// Invocations in the period.
        public var invocations: Int64
        /// Duration of each invocation, ms.
        public var durationMs: Double
        /// Memory, MB.
        public var memoryMB: Int
        /// vCPUs, where CPU is configured separately (Cloud Run).
        public var cpu: Double?
        /// Init time of each cold start, ms.
        public var initMs: Double = 0
        /// Cold starts in the period.
        public var coldStarts: Int64 = 0
        /// Environments held provisioned all period.
        public var provisioned: Int64 = 0
        /// Days the usage covers; projected to 30.
        public var days: Double = 30
        /// The region whose prices apply (the profile's own when nil).
        public var region: String?
        /// Ephemeral storage configured, MB; what exceeds the target's included amount is billed.
        public var ephemeralStorageMB: Int?
        /// Negotiated discount, percent (nil: the deployment's for the target, else none).
        public var discount: Double?
        /// A folder of profiles that add to or override the bundled ones.
        public var catalog: String?
        /// A deployment file whose `targets:` overrides and discounts apply.
        public var deployment: String?
        /// Apply free grants.
        public var freeTier = true
        /// Data sent out to the internet in the period, GB of 2^30 bytes (nothing else records
        /// egress: no trace format carries response sizes).
        public var egressGB: Double = 0

        /// A request with what most callers set; the rest keep their defaults.
        public init(target: String, invocations: Int64, durationMs: Double, memoryMB: Int) {
            self.target = target
            self.invocations = invocations
            self.durationMs = durationMs
            self.memoryMB = memoryMB
        }
    }

    /// The month's bill and the shape it was billed at.
    public struct Outcome: Sendable {
        /// The month's bill, line by line.
        public var bill: CostBreakdown
        /// The memory and CPU it was billed at.
        public var shape: Shape
    }

    /// The most egress `price` takes, GB (an exabyte): its bytes still fit an Int64.
    public static let maximumEgressGB: Double = 1_000_000_000

    /// Bills the workload.
    public static func run(_ request: Request, limits: InputLimits = .current) throws -> Outcome {
        try check(request, limits)
        guard request.egressGB.isFinite, (0...maximumEgressGB).contains(request.egressGB) else {
            throw UseCaseError.usage("--egress-gb must be between 0 and 1000000000, not \(request.egressGB)")
        }
        var catalog = try Inputs.catalog(request.catalog)
        var discountPercent = request.discount.map { Decimal(string: String($0)) ?? 0 } ?? 0
        if let deployment = request.deployment {
            let selections: [TargetSelection]
            do {
                let text = try String(contentsOfFile: deployment, encoding: .utf8)
                let documents = try YAMLTree.parseAll(text)
                selections = try TargetSelection.list(in: documents.first ?? .mapping([], line: 0), file: deployment)
                for selection in selections where selection.id == request.target {
                    if let override = selection.override {
                        catalog = try catalog.overriding(selection.id, with: override, origin: deployment, read: Inputs.today())
                    }
                    if request.discount == nil, let d = selection.discountPercent { discountPercent = d }
                }
            } catch let error as CatalogError {
                throw UseCaseError.badInput("\(error)")
            } catch let error as YAMLSyntaxError {
                throw UseCaseError.badInput("\(deployment): \(error)")
            } catch {
                throw UseCaseError.badInput("\(deployment): cannot read this file")
            }
        }
        // Checked products: a steady workload's instance lifetime is calls × duration.
        let lifetimeMs = Double(request.invocations) * request.durationMs
        guard lifetimeMs <= UsageRecorder.longestBilledMs || profileBillsPerUse(catalog, request.target) else {
            throw UseCaseError.usage("--invocations × --duration-ms is \(lifetimeMs) ms, more than an instance can be billed for (\(Int64(UsageRecorder.longestBilledMs)) ms)")
        }
        do {
            let profile = try catalog.profile(request.target)
            var recorder = try UsageRecorder(profile: profile, days: Decimal(string: String(request.days)) ?? 30)
            let shape = try recorder.shape(memoryMB: request.memoryMB, vcpu: request.cpu.flatMap { Decimal(string: String($0)) })
            if profile.billing?.mode == .instance {
                // Instance-based billing: a steady workload keeps an instance busy for its run time.
                recorder.instance(lifetimeMs: Double(request.invocations) * request.durationMs, shape: shape)
                recorder.invocations(request.invocations, durationMs: 0, shape: shape)
            } else {
                recorder.invocations(request.invocations, durationMs: request.durationMs, shape: shape)
            }
            if let mb = request.ephemeralStorageMB {
                guard profile.billing?.ephemeralStorage != nil else {
                    throw UseCaseError.usage("\(profile.id) does not bill ephemeral storage; drop --ephemeral-storage-mb")
                }
                let s = recorder.summary
                let billed = s.executionMs.values.reduce(0, +) + s.initMs.values.reduce(0, +)
                recorder.storage(mb: mb, billedMs: billed)
            }
            recorder.coldStarts(request.coldStarts, initMs: request.initMs, shape: shape)
            recorder.egress(bytes: Int64((request.egressGB * 1_073_741_824).rounded()))
            if request.provisioned > 0 {
                try recorder.provisioned(environments: request.provisioned, heldMs: request.days * 86_400_000, shape: shape)
            }
            let options = PricingOptions(freeTier: request.freeTier, discountPercent: discountPercent, region: request.region)
            return Outcome(bill: try BillingEngine.price(recorder.summary, on: profile, options: options), shape: shape)
        } catch let error as CatalogError {
            throw UseCaseError.usage("\(error)")
        } catch let error as PricingError {
            throw UseCaseError.usage("\(error)")
        }
    }

    /// True unless the target bills instance lifetime (where calls × duration is one figure).
    private static func profileBillsPerUse(_ catalog: Catalog, _ target: String) -> Bool {
        (try? catalog.profile(target))?.billing?.mode != .instance
    }

    /// Every figure of the request within its range, or a usage error naming the flag.
    static func check(_ request: Request, _ limits: InputLimits) throws {
        func within(_ value: Double, _ bound: Double, _ flag: String, _ unit: String, _ limit: InputLimits.Name?) throws {
            guard value.isFinite, value >= 0, value <= bound else {
                let hint = limit.map { " \($0.hint)" } ?? ""
                let shown = value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : "\(value)"
                throw UseCaseError.usage("\(flag) \(shown) \(unit) is out of range: 0 to \(Int64(bound)) \(unit)\(hint)")
            }
        }
        try within(request.durationMs, limits.maxDurationMs, "--duration-ms", "ms", .durationMs)
        try within(request.initMs, limits.maxDurationMs, "--init-ms", "ms", .durationMs)
        try within(Double(request.memoryMB), limits.maxMemoryMB, "--memory-mb", "MB", .memoryMB)
        try within(request.days, Double(limits.maxTraceDays), "--days", "days", .traceDays)
        if let cpu = request.cpu { try within(cpu, 1_000, "--cpu", "vCPUs", nil) }
    }
}
