import ArgumentParser
import Foundation
import Pricing
import TerminalText

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
    @Option(name: .long, help: "Region whose price multiplier applies.") var region: String?
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
        if let discount, !(0...100).contains(discount) { throw ValidationError("--discount is a percentage between 0 and 100.") }
    }

    func run() throws {
        var catalog = try loadCatalog(catalog)
        var discountPercent = discount.map { Decimal(string: String($0)) ?? 0 } ?? 0
        if let deployment {
            let selections: [TargetSelection]
            do {
                let text = try String(contentsOfFile: deployment, encoding: .utf8)
                let documents = try YAMLTree.parseAll(text)
                selections = try TargetSelection.list(in: documents.first ?? .mapping([], line: 0), file: deployment)
                let today = ISO8601DateFormatter.string(from: Date(), timeZone: .gmt, formatOptions: [.withFullDate])
                for selection in selections where selection.id == target {
                    if let override = selection.override {
                        catalog = try catalog.overriding(selection.id, with: override, origin: deployment, read: today)
                    }
                    if discount == nil, let d = selection.discountPercent { discountPercent = d }
                }
            } catch let error as CatalogError {
                throw fail(error, Exit.badInput)
            } catch let error as YAMLSyntaxError {
                throw fail("\(deployment): \(error)", Exit.badInput)
            } catch {
                throw fail("\(deployment): cannot read this file", Exit.badInput)
            }
        }
        do {
            let profile = try catalog.profile(target)
            var recorder = try UsageRecorder(profile: profile, days: Decimal(string: String(days)) ?? 30)
            let shape = try recorder.shape(memoryMB: memoryMB, vcpu: cpu.flatMap { Decimal(string: String($0)) })
            if profile.billing?.mode == .instance {
                // Instance-based billing: a steady workload keeps an instance busy for its run time.
                recorder.instance(lifetimeMs: Double(invocations) * durationMs, shape: shape)
                recorder.invocations(invocations, durationMs: 0, shape: shape)
            } else {
                recorder.invocations(invocations, durationMs: durationMs, shape: shape)
            }
            recorder.coldStarts(coldStarts, initMs: initMs, shape: shape)
            if provisioned > 0 {
                try recorder.provisioned(environments: provisioned, heldMs: days * 86_400_000, shape: shape)
            }
            let options = PricingOptions(freeTier: !noFreeTier, discountPercent: discountPercent, region: region)
            let bill = try BillingEngine.price(recorder.summary, on: profile, options: options)
            print(json ? bill.json() : PriceText.render(bill, shape: shape), terminator: "")
        } catch let error as CatalogError {
            throw fail(error, Exit.usage)
        } catch let error as PricingError {
            throw fail(error, Exit.usage)
        }
    }
}
