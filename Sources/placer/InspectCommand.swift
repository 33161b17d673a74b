import ArgumentParser
import TerminalText
import Traces
import UseCases

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
        let summary = try Inspect.run(Inspect.Request(paths: paths, format: format, skipInvalidRows: skipInvalidRows), progress: TerminalProgress())
        print(InspectText.render(summary), terminator: "")
    }
}
