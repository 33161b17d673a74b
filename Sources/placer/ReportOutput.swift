import Foundation
import MarkdownReport
import Results

/// Renders a result document and writes the markdown and its SVG charts beside it. Every file
/// is written to a temporary name first and renamed at the end, so a failure leaves nothing
/// half-written. Returns the paths written.
func writeReport(_ doc: ResultDocument, to out: String) throws -> [String] {
    let url = URL(fileURLWithPath: out)
    let folder = url.deletingLastPathComponent()
    var name = url.lastPathComponent
    if name.hasSuffix(".md") { name.removeLast(3) }
    let rendered = ReportRenderer.render(doc, name: name)
    var files: [(path: String, text: String)] = [(out, rendered.markdown)]
    for chart in rendered.charts { files.append((folder.appendingPathComponent(chart.name).path, chart.svg)) }
    try writeAll(files)
    return files.map(\.path)
}

/// `1 chart`, `2 charts`.
func chartCount(_ n: Int) -> String { n == 1 ? "1 chart" : "\(n) charts" }

/// Writes files all or nothing: temporary names, then renames.
func writeAll(_ files: [(path: String, text: String)]) throws {
    let manager = FileManager.default
    var written: [(temporary: String, path: String)] = []
    do {
        for file in files {
            let folder = (file.path as NSString).deletingLastPathComponent
            if !folder.isEmpty { try manager.createDirectory(atPath: folder, withIntermediateDirectories: true) }
            let temporary = file.path + ".placer-tmp"
            try file.text.write(toFile: temporary, atomically: false, encoding: .utf8)
            written.append((temporary, file.path))
        }
        // rename(2) replaces an existing file in one step.
        for file in written where rename(file.temporary, file.path) != 0 {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: String(cString: strerror(errno))])
        }
    } catch {
        for file in written { try? manager.removeItem(atPath: file.temporary) }
        throw fail("cannot write \(files.first?.path ?? "the report"): \(error.localizedDescription)", Exit.cannotCreate)
    }
}
