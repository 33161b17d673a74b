import ArgumentParser
import Compare
import Results
import UseCases

/// `placer compare BASE HEAD`: what a change of deployment (or of trace) does to cost, latency,
/// placement, compliance and lock-in, judged against CI thresholds.
struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare two results or deployments, with thresholds for CI.",
        discussion: """
            BASE and HEAD are each a result JSON (placer simulate --json) or a deployment file; deployment files are \
            simulated over --trace with the same seed. Exit status: 0 within thresholds, 1 a threshold breached \
            (the output says which), 2 usage error, 65 bad input. See docs/ci.md.
            """)

    @Argument(help: "BASE: a result JSON or a deployment file.") var base: String
    @Argument(help: "HEAD: a result JSON or a deployment file.") var head: String
    @Option(name: .long, help: "The trace to simulate deployment files over: a database, or trace files or folders (repeat for several).") var trace: [String] = []
    @Option(name: .long, help: "The trace for BASE when the change is to the trace itself (default: --trace; repeat for several).") var baseTrace: [String] = []
    @Option(name: .long, help: "Seed for both simulations.") var seed: UInt64 = 1
    @Option(name: .long, help: "Compare (and simulate) only this target (repeat for several; default: every target).") var target: [String] = []
    @Option(name: .long, help: ArgumentHelp("Fail when a target's or the placement's monthly cost grows by more than this: 10% or 50USD (repeatable).", valueName: "bound")) var failOnCostIncrease: [String] = []
    @Option(name: .long, help: ArgumentHelp("Fail unless every compared cost falls by at least this: 5% or 20USD (repeatable).", valueName: "bound")) var requireCostDecrease: [String] = []
    @Option(name: .customLong("fail-on-p99-increase"), help: ArgumentHelp("Fail when a target's p99 latency grows by more than this: 20% or 100ms (repeatable).", valueName: "bound")) var failOnP99Increase: [String] = []
    @Option(name: .customLong("require-p99-decrease"), help: ArgumentHelp("Fail unless every target's p99 falls by at least this: 10% or 50ms (repeatable).", valueName: "bound")) var requireP99Decrease: [String] = []
    @Flag(name: .long, help: "Fail when HEAD has a compliance violation that BASE did not.") var failOnNewViolation = false
    @Flag(name: .long, help: "Print nothing and exit 0 when nothing material changed and no threshold is breached.") var onlyIfChanged = false
    @Option(name: .long, help: ArgumentHelp("What counts as a change: a percentage, an amount and a latency, e.g. 2%,0.50USD,5ms (default 1%,0.01USD,1ms).", valueName: "bounds")) var materiality: [String] = []
    @Flag(name: .long, help: "A short form: thresholds, per-target cost and p99, and counts (for comment size limits).") var summaryOnly = false
    @Option(name: .long, help: "Rows in the per-function table.") var top: Int = 10
    @Option(name: .long, help: ArgumentHelp("Fall back to --summary-only when the markdown would be longer than this many bytes (GitHub comments: 65536).", valueName: "bytes")) var maxSize: Int?
    @Option(name: .long, help: "markdown or json.") var format: CompareFormat = .markdown
    @Option(name: .long, help: "Write the output to this file instead of standard output.") var out: String?
    @Option(name: .long, help: "A folder of profiles that add to or override the bundled ones (for deployment files).") var catalog: String?
    @Flag(name: .customLong("no-free-tier"), help: "Do not apply free grants (for deployment files).") var noFreeTier = false

    func validate() throws {
        _ = try thresholds()
        _ = try materialityBounds()
        guard top >= 0 else { throw ValidationError("--top must be 0 or more") }
        guard (maxSize ?? 1) > 0 else { throw ValidationError("--max-size must be a number of bytes above 0") }
    }

    func run() throws {
        var request = CompareResults.Request(base: base, head: head, trace: trace)
        request.baseTrace = baseTrace
        request.seed = seed
        request.targets = target
        request.thresholds = try thresholds()
        request.materiality = try materialityBounds()
        request.onlyIfChanged = onlyIfChanged
        request.summaryOnly = summaryOnly
        request.top = top
        request.maxSize = maxSize
        request.format = format
        request.out = out
        request.catalog = catalog
        request.freeTier = !noFreeTier
        let compared = try CompareResults.run(request, progress: TerminalProgress())
        if let text = compared.text, !compared.written { print(text, terminator: "") }
        if !compared.breached.isEmpty {
            // The subject is a target id from a result file: one clean line, nothing it can spoof.
            for check in compared.breached { printError(InvisibleText.terminalLine("breached: \(check.rule) on \(check.subject): \(check.observed)")) }
            throw Exit.failure
        }
    }

    func thresholds() throws -> Thresholds {
        var t = Thresholds()
        do {
            t.costIncrease = try failOnCostIncrease.map { try Bound.parse($0, allowed: [.percent, .usd], option: "--fail-on-cost-increase") }
            t.costDecrease = try requireCostDecrease.map { try Bound.parse($0, allowed: [.percent, .usd], option: "--require-cost-decrease") }
            t.p99Increase = try failOnP99Increase.map { try Bound.parse($0, allowed: [.percent, .ms], option: "--fail-on-p99-increase") }
            t.p99Decrease = try requireP99Decrease.map { try Bound.parse($0, allowed: [.percent, .ms], option: "--require-p99-decrease") }
        } catch let error as ThresholdError {
            throw ValidationError(error.message)
        }
        t.newViolation = failOnNewViolation
        return t
    }

    func materialityBounds() throws -> Materiality {
        var m = Materiality()
        do { for text in materiality { try m.apply(text) } } catch let error as ThresholdError {
            throw ValidationError(error.message)
        }
        return m
    }
}
