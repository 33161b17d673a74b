import ArgumentParser
import Traces
import UseCases

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
        let report = try LockInCheck.run(LockInCheck.Request(paths: paths, deployment: deployment, targets: targets.map(commaList),
                                                             current: current, catalog: catalog, format: format), progress: TerminalProgress())
        print(json ? report.json() : report.text(), terminator: "")
        for d in report.diagnostics { printError(d.description) }
        if report.hasErrors || (strict && !report.diagnostics.isEmpty) { throw Exit.badInput }
    }
}
