import ArgumentParser
import Reporting
import Store
import Traces

/// `placer inspect`: what a trace holds and whether it looks like production.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show what a trace holds: functions, apps, invocations, span, triggers and shape.",
        discussion: "Give a database written by `placer ingest`, or trace files and folders (read into memory).")

    @Argument(help: "A database, or trace files or folders.")
    var paths: [String]

    @Option(help: "Force a format for trace files.")
    var format: TraceFormat?

    @Flag(help: "Skip rows with bad values instead of stopping.")
    var skipInvalidRows = false

    func run() throws {
        let store: TraceStore
        if paths.count == 1, TraceStore.isDatabase(path: paths[0]) {
            store = try openStore(paths[0])
        } else {
            store = try TraceStore()
            let options = ReadOptions(format: format, skipInvalidRows: skipInvalidRows)
            for file in try traceFiles(paths) {
                do {
                    if case .ingested(let summary) = try store.ingest(path: file, options: options) {
                        for warning in summary.warnings { printError("warning: \(file): \(warning)") }
                        if summary.skippedCount > 0 { printError("warning: " + IngestReport.line(file: file, summary)) }
                    }
                } catch let error as TraceError {
                    printError("error: \(error)")
                    throw Exit.badInput
                }
            }
        }
        print(InspectText.render(try store.summary()), terminator: "")
    }
}
