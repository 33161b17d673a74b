import Foundation

/// User choices that change a bill without changing the profile.
public struct PricingOptions: Sendable {
    /// Apply the provider's free grants (off: `--no-free-tier`).
    public var freeTier: Bool
    /// Flat negotiated discount on the whole bill, percent.
    public var discountPercent: Decimal
    /// Region whose multiplier (from the profile's `billing.regions`) scales every price;
    /// nil or the profile's own region means 1.
    public var region: String?
    /// With no `region`: the regions a deployment's requirements allow; the bill is priced in the
    /// cheapest of them (ties: the first listed). Empty: the profile's own region.
    public var regionCandidates: [String]

    public init(freeTier: Bool = true, discountPercent: Decimal = 0, region: String? = nil, regionCandidates: [String] = []) {
        self.freeTier = freeTier
        self.discountPercent = discountPercent
        self.region = region
        self.regionCandidates = regionCandidates
    }
}

/// Monthly quantities the bill was computed from (after projection to 30 days).
public struct BilledQuantities: Sendable, Equatable {
    public var requests: Decimal = 0
    public var memoryGBSeconds: Decimal = 0
    public var initGBSeconds: Decimal = 0
    /// vCPU-s or GHz-s, per `cpuUnit`.
    public var cpuSeconds: Decimal = 0
    public var initCPUSeconds: Decimal = 0
    public var cpuUnit: String?
    public var provisionedGBSeconds: Decimal = 0
    public var instanceGBSeconds: Decimal = 0
    public var egressGB: Decimal = 0
    /// Ephemeral storage above the included amount × billed duration.
    public var storageGBSeconds: Decimal = 0
}

/// One month of a target's bill, line by line, in USD, unrounded.
///
/// `compute`, `requests`, `initialization` and `egress` are net of free grants;
/// `freeGrantCredit` is what the grants were worth (already deducted); `discount` is the
/// negotiated discount, deducted in `total`.
public struct CostBreakdown: Sendable, Equatable {
    public var target: String
    /// The region whose prices were applied (the profile's own when none was asked for).
    public var region: String?
    public var currency = "USD"
    /// Days of usage the bill was projected from.
    public var usageDays: Decimal
    public var compute: Decimal = 0
    public var requests: Decimal = 0
    public var initialization: Decimal = 0
    public var provisioned: Decimal = 0
    public var egress: Decimal = 0
    /// Ephemeral storage above the included amount (Lambda), no free grant.
    public var storage: Decimal = 0
    public var freeGrantCredit: Decimal = 0
    public var discount: Decimal = 0
    public var total: Decimal = 0
    public var quantities = BilledQuantities()
    /// What the reader should know: projection, free tier off, assumed figures used.
    public var notes: [String] = []

    /// Deterministic JSON (keys in a fixed order, numbers as exact decimals).
    public func json() -> String {
        func n(_ d: Decimal) -> String { d.description }
        func s(_ text: String) -> String {
            "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }
        let q = quantities
        var quantityFields = [
            "\"requests\": \(n(q.requests))", "\"memoryGBSeconds\": \(n(q.memoryGBSeconds))",
            "\"initGBSeconds\": \(n(q.initGBSeconds))", "\"cpuSeconds\": \(n(q.cpuSeconds))",
            "\"initCPUSeconds\": \(n(q.initCPUSeconds))",
        ]
        quantityFields.append("\"cpuUnit\": " + (q.cpuUnit.map(s) ?? "null"))
        quantityFields += [
            "\"provisionedGBSeconds\": \(n(q.provisionedGBSeconds))", "\"instanceGBSeconds\": \(n(q.instanceGBSeconds))",
            "\"egressGB\": \(n(q.egressGB))", "\"storageGBSeconds\": \(n(q.storageGBSeconds))",
        ]
        let lines = [
            "\"schema\": \"placer.cost/v1\"", "\"target\": \(s(target))", "\"region\": " + (region.map(s) ?? "null"), "\"currency\": \(s(currency))",
            "\"usageDays\": \(n(usageDays))", "\"total\": \(n(total))", "\"compute\": \(n(compute))",
            "\"requests\": \(n(requests))", "\"init\": \(n(initialization))", "\"provisioned\": \(n(provisioned))",
            "\"egress\": \(n(egress))", "\"storage\": \(n(storage))", "\"freeGrantCredit\": \(n(freeGrantCredit))", "\"discount\": \(n(discount))",
            "\"quantities\": {\n    " + quantityFields.joined(separator: ",\n    ") + "\n  }",
            "\"notes\": [" + notes.map(s).joined(separator: ", ") + "]",
        ]
        return "{\n  " + lines.joined(separator: ",\n  ") + "\n}\n"
    }
}

/// Prices a month of usage for one target: projection to 30 days, free grants and volume tiers
/// on the account's monthly total, region multiplier, negotiated discount.
public enum BillingEngine {
    /// Length of the billing month usage is projected to.
    public static let monthDays: Decimal = 30

    /// Prices `usage` — the account's total on this target — with `profile`'s billing rules.
    public static func price(_ usage: UsageSummary, on profile: Profile, options: PricingOptions = PricingOptions()) throws -> CostBreakdown {
        guard !usage.overflowed else {
            throw PricingError.invalidUsage("the usage on \(profile.id) is too large to bill: a count or a sum of milliseconds passes 2^63 (durations above \(Int64(UsageRecorder.longestBilledMs)) ms are refused)")
        }
        if options.region == nil, !options.regionCandidates.isEmpty {
            return try cheapestRegion(usage, on: profile, options: options)
        }
        guard let own = profile.billing else { throw PricingError.notPricedPerUse(target: profile.id) }
        let (billing, priceGroup) = own.priced(in: options.region)
        guard usage.days > 0 else { throw PricingError.invalidUsage("the usage period must be longer than 0 days") }
        guard options.discountPercent >= 0, options.discountPercent <= 100 else {
            throw PricingError.invalidUsage("a discount is a percentage between 0 and 100")
        }
        let multiplier = try regionMultiplier(billing, profile: profile, region: options.region)
        let scale = monthDays / usage.days
        var bill = CostBreakdown(target: profile.id, usageDays: usage.days)
        if usage.days != monthDays {
            bill.notes.append("usage of \(usage.days) days projected to a \(monthDays)-day month before free grants and tiers")
        }
        if !options.freeTier { bill.notes.append("free grants not applied (--no-free-tier)") }
        if multiplier != 1 { bill.notes.append("prices scaled by \(multiplier) for region \(options.region ?? "")") }
        bill.region = options.region ?? profile.region
        if let priceGroup {
            bill.notes.append("\(priceGroup) prices for region \(options.region ?? "")")
        } else if let region = options.region, region != profile.region, multiplier == 1 {
            bill.notes.append("region \(region) billed at \(profile.region ?? "the profile's") prices (the profile lists none of its own for it)")
        }
        let free = options.freeTier ? billing.freeGrant : Billing.FreeGrant()

        // Requests: per-request fee, free grant first.
        let requests = Decimal(usage.invocations) * scale
        bill.quantities.requests = requests
        if billing.mode == .request {
            let price = billing.requestPrice.canonical * multiplier
            let freeRequests = min(requests, free.requests?.canonical ?? 0)
            bill.requests = (requests - freeRequests) * price
            bill.freeGrantCredit += freeRequests * price
        }

        // Duration: memory (tiered, on the account total) and CPU, execution and init together.
        let execGBs = gbSeconds(usage.executionMs) * scale
        let initGBs = gbSeconds(usage.initMs) * scale
        bill.quantities.memoryGBSeconds = execGBs
        bill.quantities.initGBSeconds = initGBs
        if billing.mode == .request {
            let totalGBs = execGBs + initGBs
            let freeGBs = min(totalGBs, free.memory?.canonical ?? 0)
            let gross = tieredCost(upTo: totalGBs, billing) * multiplier
            let net = gross - tieredCost(upTo: freeGBs, billing) * multiplier
            bill.freeGrantCredit += gross - net
            let (execShare, initShare) = split(net, execGBs, initGBs)
            bill.compute += execShare
            bill.initialization += initShare

            if let cpuPrice = billing.cpuPrice {
                let ghz = cpuPrice.unit.dimension == .pricePerGHzSecond
                bill.quantities.cpuUnit = ghz ? "GHz-s" : "vCPU-s"
                let execCPU = cpuSeconds(usage.executionMs, ghz: ghz) * scale
                let initCPU = cpuSeconds(usage.initMs, ghz: ghz) * scale
                bill.quantities.cpuSeconds = execCPU
                bill.quantities.initCPUSeconds = initCPU
                let freeCPU = min(execCPU + initCPU, free.cpu.map { grantMatches($0, ghz: ghz) ? $0.canonical : 0 } ?? 0)
                let price = cpuPrice.canonical * multiplier
                let netCPU = (execCPU + initCPU - freeCPU) * price
                bill.freeGrantCredit += freeCPU * price
                let (e, i) = split(netCPU, execCPU, initCPU)
                bill.compute += e
                bill.initialization += i
            }
        } else if let instance = billing.instanceBased {
            // Instance-based: the whole lifetime is billed at instance prices; no request fee.
            let ifree = options.freeTier ? instance.freeGrant : Billing.FreeGrant()
            let gbs = gbSeconds(usage.instanceMs) * scale
            bill.quantities.instanceGBSeconds = gbs
            let ghz = instance.cpuPrice.unit.dimension == .pricePerGHzSecond
            let cpu = cpuSeconds(usage.instanceMs, ghz: ghz) * scale
            bill.quantities.cpuSeconds = cpu
            bill.quantities.cpuUnit = ghz ? "GHz-s" : "vCPU-s"
            let freeGBs = min(gbs, ifree.memory?.canonical ?? 0)
            let freeCPU = min(cpu, ifree.cpu.map { grantMatches($0, ghz: ghz) ? $0.canonical : 0 } ?? 0)
            let mPrice = instance.memoryPrice.canonical * multiplier, cPrice = instance.cpuPrice.canonical * multiplier
            bill.compute = (gbs - freeGBs) * mPrice + (cpu - freeCPU) * cPrice
            bill.freeGrantCredit += freeGBs * mPrice + freeCPU * cPrice
        }

        // Provisioned concurrency / always ready / min instances: no free grant unless the profile says so.
        if !usage.provisionedMs.isEmpty || !usage.provisionedExecutionMs.isEmpty {
            guard let p = billing.provisioned else { throw PricingError.noProvisionedPricing(target: profile.id) }
            let held = gbSeconds(usage.provisionedMs) * scale
            let ran = gbSeconds(usage.provisionedExecutionMs) * scale
            bill.quantities.provisionedGBSeconds = held
            var cost = held * p.memoryPrice.canonical + ran * (p.executionMemoryPrice ?? billing.memoryPrice).canonical
            if let cpuPrice = p.cpuPrice {
                cost += cpuSeconds(usage.provisionedMs, ghz: cpuPrice.unit.dimension == .pricePerGHzSecond) * scale * cpuPrice.canonical
            }
            bill.provisioned = cost * multiplier
        }

        // Egress, per GB (2^30 bytes) after the free grant.
        if let egressPrice = billing.egressPrice, usage.egressBytes > 0 {
            let gb = Decimal(usage.egressBytes) / Decimal(1_073_741_824) * scale
            bill.quantities.egressGB = gb
            let freeGB = min(gb, free.egress?.canonical ?? 0)
            let price = egressPrice.canonical * multiplier
            bill.egress = (gb - freeGB) * price
            bill.freeGrantCredit += freeGB * price
        }

        // Ephemeral storage above the included amount, per GB-s of billed duration.
        if let rule = billing.ephemeralStorage, !usage.storageMs.isEmpty {
            let gbs = usage.storageMs.reduce(Decimal(0)) { $0 + Decimal($1.key) * Decimal($1.value) } / 1_024_000 * scale
            bill.quantities.storageGBSeconds = gbs
            bill.storage = gbs * rule.price.canonical * multiplier
        }

        let subtotal = bill.compute + bill.requests + bill.initialization + bill.provisioned + bill.egress + bill.storage
        bill.discount = subtotal * options.discountPercent / 100
        bill.total = subtotal - bill.discount
        if options.discountPercent > 0 { bill.notes.append("negotiated discount of \(options.discountPercent)% applied") }
        let assumed = profile.figures.filter { profile.sources[$0.figure.source]?.confidence == .assumed && $0.path.hasPrefix("billing.") }
        if !assumed.isEmpty {
            bill.notes.append("assumed figures in this target's billing: " + assumed.map(\.path).joined(separator: ", "))
        }
        return bill
    }

    /// The bill in the cheapest of `options.regionCandidates` (the profile's own region first
    /// when it is one of them, so a tie keeps it), with a note naming the choice.
    private static func cheapestRegion(_ usage: UsageSummary, on profile: Profile, options: PricingOptions) throws -> CostBreakdown {
        var candidates = options.regionCandidates
        if let own = profile.region, let k = candidates.firstIndex(of: own) { candidates.remove(at: k); candidates.insert(own, at: 0) }
        var best: CostBreakdown?
        var tied: [String] = []
        for region in candidates {
            var single = options
            single.region = region
            single.regionCandidates = []
            let bill = try price(usage, on: profile, options: single)
            if best == nil || bill.total < best!.total { best = bill; tied = [region] } else if bill.total == best!.total { tied.append(region) }
        }
        guard var chosen = best else { return try price(usage, on: profile, options: PricingOptions(freeTier: options.freeTier, discountPercent: options.discountPercent)) }
        let allowed = "the \(candidates.count) regions the requirements allow (\(candidates.joined(separator: ", ")))"
        if candidates.count > 1, tied.count > 1 {
            // Nothing to choose by price among the tied: say so rather than call the first the cheapest.
            let which = tied.count == candidates.count ? "all" : "\(tied.count) (\(tied.joined(separator: ", ")))"
            chosen.notes.append("region \(chosen.region ?? ""): \(which) of \(allowed) bill alike at the lowest price; the first listed is named, so choose among them by latency or data residency")
        } else if candidates.count > 1 {
            chosen.notes.append("region \(chosen.region ?? "") is the cheapest of \(allowed)")
        } else {
            chosen.notes.append("region \(chosen.region ?? ""): the only region the requirements allow")
        }
        return chosen
    }

    /// Cost of the first `quantity` GB-s of the month, across the profile's volume tiers.
    static func tieredCost(upTo quantity: Decimal, _ billing: Billing) -> Decimal {
        guard !billing.memoryTiers.isEmpty else { return quantity * billing.memoryPrice.canonical }
        var cost: Decimal = 0
        for (index, tier) in billing.memoryTiers.enumerated() {
            let start = tier.from.canonical
            guard quantity > start else { break }
            let end = index + 1 < billing.memoryTiers.count ? billing.memoryTiers[index + 1].from.canonical : quantity
            cost += (min(quantity, end) - start) * tier.price.canonical
        }
        return cost
    }

    private static func regionMultiplier(_ billing: Billing, profile: Profile, region: String?) throws -> Decimal {
        guard let region, region != profile.region else { return 1 }
        // A region with its own prices, or one the profile offers at its own region's prices.
        if billing.regionPrices.contains(where: { $0.regions.contains(region) }) { return billing.regions[region]?.canonical ?? 1 }
        if profile.compliance?.regions[region] != nil, billing.regions[region] == nil { return 1 }
        guard let figure = billing.regions[region] else {
            let offered = Set((profile.compliance?.regions.keys).map(Array.init) ?? [])
                .union(billing.regions.keys).union(billing.regionPrices.flatMap(\.regions))
            throw PricingError.unknownRegion(target: profile.id, region: region,
                                             known: [profile.region].compactMap { $0 } + offered.subtracting([profile.region ?? ""]).sorted())
        }
        return figure.canonical
    }

    private static func gbSeconds(_ ms: [Shape: Int64]) -> Decimal {
        ms.reduce(Decimal(0)) { $0 + Decimal($1.key.memoryMB) * Decimal($1.value) } / 1_024_000
    }

    private static func cpuSeconds(_ ms: [Shape: Int64], ghz: Bool) -> Decimal {
        ms.reduce(Decimal(0)) { sum, entry in
            let per = ghz ? (entry.key.ghz ?? 0) : entry.key.vcpu
            return sum + per * Decimal(entry.value)
        } / 1000
    }

    private static func grantMatches(_ grant: Figure, ghz: Bool) -> Bool {
        (grant.unit.dimension == .ghzSeconds) == ghz
    }

    /// Splits `amount` in proportion to `a` and `b`.
    private static func split(_ amount: Decimal, _ a: Decimal, _ b: Decimal) -> (Decimal, Decimal) {
        guard b > 0 else { return (amount, 0) }
        guard a > 0 else { return (0, amount) }
        let first = amount * a / (a + b)
        return (first, amount - first)
    }
}
