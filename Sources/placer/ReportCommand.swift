import ArgumentParser
import UseCases

/// `placer report`: renders the markdown report again from a result JSON, without simulating.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Render the markdown report (with SVG charts) from a result JSON written by `placer advise`.")

    @Argument(help: "A placer.result/v1 JSON file.") var result: String
    @Option(name: .long, help: "The report's path (default: the JSON's path with .md); SVG charts are written beside it.") var out: String?

    func run() throws {
        let written = try RenderReport.run(result: result, out: out)
        print("wrote \(written.report) (\(chartCount(written.charts.count)) beside it)")
    }
}
