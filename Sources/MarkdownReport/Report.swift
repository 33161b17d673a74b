import Foundation
import Results

/// A rendered report: the markdown and the SVG charts it links to (written beside it).
public struct RenderedReport: Sendable {
    public struct ChartFile: Sendable {
        /// A file name, relative to the report's folder.
        public var name: String
        public var svg: String
    }

    public var markdown: String
    public var charts: [ChartFile]
}

/// One part of a section: markdown text, or a chart drawn as mermaid and linked as SVG (or one
/// sentence when every value is the same).
enum Block {
    case text(String)
    case chart(Chart)
}

/// Renders a `placer.result/v1` document as a GitHub-flavoured markdown report. Pure: the same
/// document and name give the same bytes; nothing is read but the document.
public enum ReportRenderer {
    /// `name` is the report's base name (`sample` for `reports/sample.md`): chart files are
    /// `name-<chart>.svg` beside it.
    public static func render(_ doc: ResultDocument, name: String) -> RenderedReport {
        let context = ReportContext(doc)
        let base = safeFileName(name)
        var sections: [[Block]] = [
            Header.blocks(context),
            Verdict.blocks(context),
            TargetsSection.blocks(context),
            FunctionsSection.blocks(context),
            MemorySection.blocks(context),
            ScalingSection.blocks(context),
            BreakEvenSection.blocks(context),
            KeepAliveSection.blocks(context),
            CalibrationSection.blocks(context),
            LockInSection.blocks(context),
            ModelErrorSection.blocks(context),
            HowDecidedSection.blocks(context),
            AssumptionsSection.blocks(context),
        ]
        sections.removeAll { $0.isEmpty }

        var parts: [String] = []
        var charts: [RenderedReport.ChartFile] = []
        for section in sections {
            for block in section {
                switch block {
                case .text(let text): parts.append(text)
                case .chart(let chart):
                    // A chart whose every value is the same says so in a sentence and has no file.
                    if let sentence = chart.flatSentence {
                        parts.append(sentence)
                        continue
                    }
                    let file = "\(base)-\(chart.slug).svg"
                    charts.append(.init(name: file, svg: chart.svg))
                    parts.append(chart.markdown(svgFile: file))
                }
            }
        }
        return RenderedReport(markdown: parts.joined(separator: "\n\n") + "\n", charts: charts)
    }

    /// Letters, digits, `-`, `_` and `.`; anything else becomes `-` (the name ends up in links).
    static func safeFileName(_ name: String) -> String {
        let mapped = String(name.map { ch -> Character in
            (ch.isASCII && (ch.isLetter || ch.isNumber)) || ch == "-" || ch == "_" || ch == "." ? ch : "-"
        })
        return mapped.isEmpty ? "report" : mapped
    }
}

/// A markdown table from a header and rows of cells (cells already escaped where they hold
/// trace text). `right` marks the columns aligned right (numbers).
func table(_ header: [String], _ rows: [[String]], right: Set<Int> = []) -> String {
    var lines = ["| " + header.joined(separator: " | ") + " |"]
    lines.append("|" + header.indices.map { right.contains($0) ? "---:" : "---" }.joined(separator: "|") + "|")
    for row in rows { lines.append("| " + row.joined(separator: " | ") + " |") }
    return lines.joined(separator: "\n")
}
