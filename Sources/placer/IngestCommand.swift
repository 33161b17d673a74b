import ArgumentParser
import Formatting
import TerminalText
import Store
import Traces

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

    func run() throws {
        let files = try traceFiles(paths)
        let store = try openStore(db)
        let options = ReadOptions(format: format, skipInvalidRows: skipInvalidRows)
        for (index, file) in files.enumerated() {
            do {
                switch try store.ingest(path: file, options: options) {
                case .alreadyIngested(let previous):
                    print("\(file): already ingested (as \(previous)), skipped")
                case .ingested(let summary):
                    print(IngestReport.line(file: file, summary))
                    for warning in summary.warnings { printError("warning: \(file): \(warning)") }
                }
            } catch let error as TraceError {
                printError("error: \(error)")
                if index > 0 { printError("note: the \(index) files before it are in \(db); fix this one and run again (ingested files are skipped)") }
                throw Exit.badInput
            }
        }
    }
}

/// Opens the store or exits with a one-line message.
func openStore(_ path: String) throws -> TraceStore {
    do {
        return try TraceStore(path: path)
    } catch {
        printError("error: \(error)")
        throw Exit.badInput
    }
}

enum IngestReport {
    static func line(file: String, _ s: ReadSummary) -> String {
        var text = "\(file): \(s.format.rawValue) \(s.kind)"
        if let day = s.day { text += ", day \(day)" }
        text += ", " + Numbers.counted(s.rows, "row")
        if s.skippedCount > 0 {
            let reasons = s.skipped.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
            text += "; skipped \(s.skippedCount) invalid rows (\(reasons))"
            if let first = s.skippedExamples.first { text += "; first: \(first)" }
        }
        return text
    }
}
