import Foundation

extension BillingEngine {
    /// Prices each account's usage on its own — free grants and volume tiers are per account, as
    /// providers bill them — and sums the bills, accounts in the order given. One account is
    /// `price(_:on:options:)` of its usage, unchanged.
    public static func price(accounts: [UsageSummary], on profile: Profile, options: PricingOptions = PricingOptions()) throws -> CostBreakdown {
        guard let first = accounts.first else { throw PricingError.invalidUsage("there is no account to price") }
        var bill = try price(first, on: profile, options: options)
        guard accounts.count > 1 else { return bill }
        for usage in accounts.dropFirst() { bill.add(try price(usage, on: profile, options: options)) }
        bill.notes.append("billed as \(accounts.count) accounts, each with its own free grants and volume tiers; their bills are summed")
        return bill
    }
}

extension CostBreakdown {
    /// Adds another account's bill for the same target and period (its notes are the same kind,
    /// so the first account's stand for all).
    mutating func add(_ other: CostBreakdown) {
        compute += other.compute
        requests += other.requests
        initialization += other.initialization
        provisioned += other.provisioned
        egress += other.egress
        freeGrantCredit += other.freeGrantCredit
        discount += other.discount
        total += other.total
        quantities.requests += other.quantities.requests
        quantities.memoryGBSeconds += other.quantities.memoryGBSeconds
        quantities.initGBSeconds += other.quantities.initGBSeconds
        quantities.cpuSeconds += other.quantities.cpuSeconds
        quantities.initCPUSeconds += other.quantities.initCPUSeconds
        quantities.cpuUnit = quantities.cpuUnit ?? other.quantities.cpuUnit
        quantities.provisionedGBSeconds += other.quantities.provisionedGBSeconds
        quantities.instanceGBSeconds += other.quantities.instanceGBSeconds
        quantities.egressGB += other.quantities.egressGB
    }
}
