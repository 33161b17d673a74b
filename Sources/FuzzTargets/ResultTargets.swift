import Compare
import Export
import Foundation
import MarkdownReport
import Results

/// A result JSON as `placer report` and `placer compare` read it (from a CI artifact, say).
enum ResultTargets {
    /// Reads the document, renders its report (markdown and SVG charts) and compares it with
    /// itself (markdown and JSON diffs, the default thresholds) and writes the Infracost usage
    /// file of its AWS Lambda targets (`placer export infracost-usage`).
    static let result = FuzzTarget("result-json", "ResultDocument.load, ReportRenderer.render, ResultDiff, InfracostUsage") { bytes in
        guard let scratch = ScratchFile("result.json", bytes) else { return .violation("cannot write a scratch file") }
        defer { scratch.remove() }
        let doc: ResultDocument
        do {
            doc = try ResultDocument.load(path: scratch.path)
        } catch let error as ResultError {
            // `report` and `compare` print it through InvisibleText.terminalLine: one line.
            return .refusal(InvisibleText.terminalLine(error.description))
        } catch {
            return .unexpected(error)
        }
        _ = ReportRenderer.render(doc, name: "result")
        let diff = ResultDiff(base: doc, head: doc, baseName: "base.json", headName: "head.json")
        let checks = Thresholds().evaluate(diff)
        _ = DiffMarkdown.render(diff, checks: checks, summaryOnly: false, top: 10)
        _ = DiffJSON.render(diff, checks: checks)
        for target in doc.targets where target.id.hasPrefix("aws-lambda") {
            do {
                _ = InfracostUsage.yaml(try InfracostUsage.entries(doc, target: target) { _ in nil }, result: doc, target: target)
            } catch let error as InfracostUsage.AddressError {
                return .refusal(error.description)
            } catch {
                return .unexpected(error)
            }
        }
        return .accepted
    }
}
