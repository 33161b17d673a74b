import Foundation
import Results

/// `placer report`: the markdown report (with SVG charts) rendered again from a result JSON,
/// without simulating: the same JSON gives the same bytes.
public enum RenderReport {
    /// The report's path and the SVG charts written beside it.
    public struct Outcome: Sendable {
        /// The markdown report's path.
        public var report: String
        /// The SVG charts written beside it.
        public var charts: [String]
    }

    /// Reads `result` and writes the report at `out` (nil: the JSON's path with .md).
    public static func run(result: String, out: String?) throws -> Outcome {
        let doc: ResultDocument
        do { doc = try ResultDocument.load(path: result) } catch {
            // The message can quote the file's own text (a schema name): one clean line.
            throw UseCaseError.badInput(InvisibleText.terminalLine("\(error)"))
        }
        let path = out ?? (result.hasSuffix(".json") ? String(result.dropLast(5)) : result) + ".md"
        guard path.hasSuffix(".md") else { throw UseCaseError.usage("--out \(path): the report's name must end in .md") }
        let written = try Outputs.writeReport(doc, to: path)
        return Outcome(report: path, charts: Array(written.dropFirst()))
    }
}
