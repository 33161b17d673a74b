import ArgumentParser
import Traces
import UseCases

/// `placer ingest`: reads trace files into the SQLite store, one transaction per file.
struct IngestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Read trace files (or folders of them) into the SQLite store.",
        discussion: """
            Formats are detected from each file's header and name: \(TraceFormat.allCases.map(\.rawValue).joined(separator: ", ")). \
            A file ingested before (same content) is skipped. A bad file stops the run with exit status 65 \
            and leaves the database as it was before that file.
            """)

    @Argument(help: "Trace files or folders.")
    var paths: [String]

    @Option(help: "The database file.")
    var db = "placer.db"

    @Option(help: "Force a format instead of detecting it.")
    var format: TraceFormat?

    @Flag(help: "Skip rows with bad values (reported by reason) instead of stopping.")
    var skipInvalidRows = false

    @Option(help: ArgumentHelp("Seconds to wait while another placer writes the database; past it, exit status 75 (default: \(UseCases.Inputs.databaseWaitVariable), else 60).",
                               valueName: "SECONDS"))
    var wait: Double?

    func run() throws {
        _ = try Ingest.run(Ingest.Request(paths: paths, database: db, format: format, skipInvalidRows: skipInvalidRows, wait: wait),
                           progress: TerminalProgress())
    }
}
