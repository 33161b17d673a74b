import ArgumentParser
import Foundation
import Results

/// `placer report`: renders the markdown report again from a result JSON, without simulating.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Render the markdown report (with SVG charts) from a result JSON written by `placer advise`.")

    @Argument(help: "A placer.result/v1 JSON file.") var result: String
    @Option(name: .long, help: "The report's path (default: the JSON's path with .md); SVG charts are written beside it.") var out: String?

    func run() throws {
        let doc: ResultDocument
        do { doc = try ResultDocument.load(path: result) } catch {
            // The message can quote the file's own text (a schema name): one clean line.
            throw fail(InvisibleText.terminalLine("\(error)"), Exit.badInput)
        }
        let path = out ?? (result.hasSuffix(".json") ? String(result.dropLast(5)) : result) + ".md"
        guard path.hasSuffix(".md") else { throw fail("--out \(path): the report's name must end in .md", Exit.usage) }
        let written = try writeReport(doc, to: path)
        print("wrote \(path) (\(chartCount(written.count - 1)) beside it)")
    }
}
