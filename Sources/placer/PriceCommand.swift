import ArgumentParser
import TerminalText
import UseCases

struct PriceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "price",
        abstract: "Price one steady workload for a month on one target.",
        discussion: "Every invocation is billed like the provider bills it (rounding, minimum, memory rounding), then free grants and tiers apply to the month's total.")

    @Option(name: .long, help: "Target id (see `placer catalog list`).") var target: String
    @Option(name: .long, help: "Invocations in the period.") var invocations: Int64
    @Option(name: .customLong("duration-ms"), help: "Duration of each invocation, ms.") var durationMs: Double
    @Option(name: .customLong("memory-mb"), help: "Memory, MB (observed memory on targets that bill it).") var memoryMB: Int
    @Option(name: .long, help: "vCPUs, where CPU is configured separately (Cloud Run).") var cpu: Double?
    @Option(name: .customLong("init-ms"), help: "Init time of each cold start, ms.") var initMs: Double = 0
    @Option(name: .customLong("cold-starts"), help: "Cold starts in the period.") var coldStarts: Int64 = 0
    @Option(name: .long, help: "Environments held provisioned / always ready / as min instances all period.") var provisioned: Int64 = 0
    @Option(name: .long, help: "Days the given usage covers; projected to 30.") var days: Double = 30
    @Option(name: .long, help: "Region whose prices apply (default: the profile's own; see `placer catalog show ID`).") var region: String?
    @Option(name: .customLong("ephemeral-storage-mb"), help: "Ephemeral storage configured, MB (Lambda bills what exceeds 512 MB).") var ephemeralStorageMB: Int?
    @Option(name: .customLong("egress-gb"), help: "Data sent out to the internet in the period, GB (2^30 bytes).") var egressGB: Double = 0
    @Option(name: .long, help: "Negotiated discount on the bill, percent.") var discount: Double?
    @Option(name: .long, help: "A folder of profiles that add to or override the bundled ones.") var catalog: String?
    @Option(name: .long, help: "A deployment file whose `targets:` overrides and discounts apply.") var deployment: String?
    @Flag(name: .customLong("no-free-tier"), help: "Do not apply free grants.") var noFreeTier = false
    @Flag(name: .long, help: "Print the breakdown as JSON.") var json = false

    func validate() throws {
        if invocations < 0 { throw ValidationError("--invocations must not be negative.") }
        if !(durationMs >= 0) || !durationMs.isFinite { throw ValidationError("--duration-ms must be a non-negative number.") }
        if memoryMB <= 0 { throw ValidationError("--memory-mb must be positive.") }
        if initMs < 0 || coldStarts < 0 || provisioned < 0 { throw ValidationError("--init-ms, --cold-starts and --provisioned must not be negative.") }
        if coldStarts > 0, initMs == 0 { throw ValidationError("--cold-starts needs --init-ms.") }
        if !(days > 0) { throw ValidationError("--days must be positive.") }
        if let mb = ephemeralStorageMB, mb <= 0 { throw ValidationError("--ephemeral-storage-mb must be positive.") }
        if let discount, !(0...100).contains(discount) { throw ValidationError("--discount is a percentage between 0 and 100.") }
    }

    func run() throws {
        var request = Price.Request(target: target, invocations: invocations, durationMs: durationMs, memoryMB: memoryMB)
        request.cpu = cpu
        request.initMs = initMs
        request.coldStarts = coldStarts
        request.provisioned = provisioned
        request.days = days
        request.region = region
        request.ephemeralStorageMB = ephemeralStorageMB
        request.discount = discount
        request.catalog = catalog
        request.deployment = deployment
        request.freeTier = !noFreeTier
        request.egressGB = egressGB
        let priced = try Price.run(request)
        print(json ? priced.bill.json() : PriceText.render(priced.bill, shape: priced.shape), terminator: "")
    }
}
