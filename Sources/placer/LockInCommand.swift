import Advice
import ArgumentParser
import Deployment
import Foundation
import Pricing
import Store
import Traces

/// `placer lockin`: how locked-in each function is on each target, what moving costs, and
/// where each function may legally run. Named for its first question; compliance rides along
/// because both read the same profile attributes and the same deployment rules.
struct LockInCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lockin",
        abstract: "Lock-in scores, migration effort and compliance verdicts per function and target.",
        discussion: """
            Give a database written by `placer ingest`, or trace files and folders. The deployment \
            file adds data classes, certifications, regions, onPremOnly, maxLockIn and bindings per \
            function, and the on-prem site's certifications and regions (onprem.certifications, \
            onprem.regions). The JSON form is documented in docs/lockin.md.
            """)

    @Argument(help: "A database, or trace files or folders.") var paths: [String]
    @Option(name: .long, help: "The deployment file (placer.yaml).") var deployment: String?
    @Option(name: .long, help: "Targets to judge, comma-separated (default: the deployment's targets, else all).") var targets: String?
    @Option(name: .long, help: "Where functions without a `target:` pin run today (default: azure-consumption for an Azure trace, aws-lambda-x86 for a Lambda one).") var current: String?
    @Option(name: .long, help: "A folder of profiles that add to or override the bundled ones.") var catalog: String?
    @Option(help: "Force a format for trace files.") var format: TraceFormat?
    @Flag(name: .long, help: "Print the result as JSON (placer.lockin/v1).") var json = false
    @Flag(name: .long, help: "Treat warnings (e.g. a requirement no target meets) as errors: exit 65.") var strict = false

    func run() throws {
        var catalog = try loadCatalog(catalog)
        let plan = try loadDeployment(deployment)
        // Candidates, with any overrides from the deployment.
        let today = ISO8601DateFormatter.string(from: Date(), timeZone: .gmt, formatOptions: [.withFullDate])
        var ids = catalog.ids
        if let plan, !plan.targets.isEmpty {
            ids = plan.targets.map(\.id)
            do {
                for selection in plan.targets {
                    if let override = selection.override {
                        catalog = try catalog.overriding(selection.id, with: override, origin: plan.file, read: today)
                    }
                }
            } catch let error as CatalogError {
                throw fail(error, Exit.badInput)
            }
        }
        if let targets {
            ids = targets.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        let candidates: [Profile]
        do { candidates = try ids.map { try catalog.profile($0) } } catch let error as CatalogError {
            // A wrong --targets is a usage error; a wrong id in the deployment file is bad input.
            throw fail(targets == nil ? "\(plan?.file ?? "deployment"): \(error)" : "\(error)", targets == nil ? Exit.badInput : Exit.usage)
        }

        let store = try loadTrace(paths, format: format, skipInvalidRows: false)
        let report = try lockInReport(store: store, candidates: candidates, catalog: catalog, plan: plan, current: current)
        print(json ? report.json() : report.text(), terminator: "")
        for d in report.diagnostics { printError(d.description) }
        if report.hasErrors || (strict && !report.diagnostics.isEmpty) { throw Exit.badInput }
    }
}
