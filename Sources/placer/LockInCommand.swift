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
        var plan: Deployment?
        if let deployment {
            do { plan = try Deployment.load(path: deployment) } catch {
                throw fail("\(error)", Exit.badInput)
            }
        }
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

        let store = try loadTrace()
        let stored: [StoredFunction]
        let formats: Set<String>
        do {
            stored = try store.functionList()
            formats = Set(try store.summary().files.map(\.format))
        } catch {
            throw fail("\(error)", Exit.badInput)
        }
        var currentTarget = current
        if currentTarget == nil {
            if !formats.isEmpty, formats.allSatisfy({ $0.hasPrefix("azure") }) {
                currentTarget = "azure-consumption"
                printError("note: current target taken as azure-consumption (the trace is Azure's); --current to change")
            } else if !formats.isEmpty, formats.allSatisfy({ $0.hasPrefix("lambda") }) {
                currentTarget = "aws-lambda-x86"
                printError("note: current target taken as aws-lambda-x86 (the trace is Lambda's); --current to change")
            }
        }
        let functions = stored.map {
            FunctionUse(app: $0.app, function: $0.function, trigger: $0.trigger, invocations: $0.invocations)
        }
        let report = Advisor.analyse(LockInRequest(functions: functions, candidates: candidates, catalog: catalog,
                                                   deployment: plan, current: currentTarget))
        print(json ? report.json() : report.text(), terminator: "")
        for d in report.diagnostics { printError(d.description) }
        if report.hasErrors || (strict && !report.diagnostics.isEmpty) { throw Exit.badInput }
    }

    private func loadTrace() throws -> TraceStore {
        if paths.count == 1, TraceStore.isDatabase(path: paths[0]) { return try openStore(paths[0]) }
        let store: TraceStore
        do { store = try TraceStore() } catch { throw fail("\(error)", Exit.failure) }
        let options = ReadOptions(format: format, skipInvalidRows: false)
        for file in try traceFiles(paths) {
            do {
                _ = try store.ingest(path: file, options: options)
            } catch let error as TraceError {
                throw fail(error, Exit.badInput)
            } catch {
                throw fail("\(file): \(error)", Exit.badInput)
            }
        }
        return store
    }
}
