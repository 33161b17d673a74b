import Foundation
import Logging
import MarkdownReport
import Results
import Simulation

/// The files a use case writes: all or nothing, and a file that cannot be written is a
/// `UseCaseError` of kind `cannotCreate` naming it.
public enum Outputs {
    /// Writes files all or nothing: each to a temporary name first, then renamed, so a failure
    /// leaves nothing half-written.
    public static func writeAll(_ files: [(path: String, text: String)]) throws {
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
            for file in files { logger.debug("wrote \(file.path) (\(file.text.utf8.count) bytes)") }
        } catch {
            for file in written { try? manager.removeItem(atPath: file.temporary) }
            throw UseCaseError.cannotCreate("cannot write \(files.first?.path ?? "the report"): \(error.localizedDescription)")
        }
    }

    /// Renders a result document and writes the markdown and its SVG charts beside it; returns
    /// the paths written, the markdown first.
    public static func writeReport(_ doc: ResultDocument, to out: String) throws -> [String] {
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

    /// Writes a result JSON.
    public static func writeResult(_ result: SimulationResult, to path: String) throws {
        do { try result.json().write(toFile: path, atomically: true, encoding: .utf8) } catch {
            throw UseCaseError.cannotCreate("\(path): cannot write the result: \(error.localizedDescription)")
        }
    }

    /// Writes `text`; `what` names it in the message when it cannot be written (`the comparison`).
    static func write(_ text: String, to path: String, what: String) throws {
        do { try text.write(toFile: path, atomically: true, encoding: .utf8) } catch {
            throw UseCaseError.cannotCreate("\(path): cannot write\(what.isEmpty ? "" : " " + what): \(error.localizedDescription)")
        }
    }

    /// Fails before a long run, not after it, when a file cannot be written where it is asked for.
    static func checkWritable(_ path: String) throws {
        let folder = (path as NSString).deletingLastPathComponent
        var isDirectory: ObjCBool = false
        let dir = folder.isEmpty ? "." : folder
        guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDirectory), isDirectory.boolValue,
              FileManager.default.isWritableFile(atPath: dir) else {
            throw UseCaseError.cannotCreate("\(path): cannot write here (no such folder, or not writable)")
        }
    }
}
