import Foundation

extension BillingEngine {
    /// Prices each account's usage on its own — free grants and volume tiers are per account, as
    /// providers bill them — and sums the bills, accounts in the order given. One account is
    /// `price(_:on:options:)` of its usage, unchanged.
    public static func price(accounts: [UsageSummary], on profile: Profile, options: PricingOptions = PricingOptions()) throws -> CostBreakdown {
        try summed(accounts.map { try price($0, on: profile, options: options) })
    }

    /// The accounts' bills (one each, as `price(accounts:)` prices them) added up, accounts in the
    /// order given; one bill is returned as it is.
    public static func summed(_ bills: [CostBreakdown]) throws -> CostBreakdown {
        guard var bill = bills.first else { throw PricingError.invalidUsage("there is no account to price") }
        guard bills.count > 1 else { return bill }
        for other in bills.dropFirst() { bill.add(other) }
        bill.notes.append("billed as \(bills.count) accounts, each with its own free grants and volume tiers; their bills are summed")
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
        storage += other.storage
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
