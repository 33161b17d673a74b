import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Logging
import MarkdownReport
import Results
import Simulation

/// The files a use case writes: all or nothing, and a file that cannot be written is a
/// `UseCaseError` of kind `cannotCreate` naming it.
public enum Outputs {
    /// Writes files all or nothing: each to a temporary name beside it first (written, flushed
    /// to disk, closed, every step checked), then renamed, so a failure (disk full, a file-size
    /// limit) leaves nothing half-written under a final name and no temporary behind.
    public static func writeAll(_ files: [(path: String, text: String)]) throws {
        let manager = FileManager.default
        var written: [(temporary: String, path: String)] = []
        var current = files.first?.path ?? "the report"
        do {
            for file in files {
                current = file.path
                let folder = (file.path as NSString).deletingLastPathComponent
                if !folder.isEmpty { try manager.createDirectory(atPath: folder, withIntermediateDirectories: true) }
                let temporary = file.path + ".placer-tmp"
                written.append((temporary, file.path))
                try writeFully(file.text, to: temporary)
            }
            // rename(2) replaces an existing file in one step.
            for file in written {
                current = file.path
                if rename(file.temporary, file.path) != 0 { throw WriteFailure(reason: String(cString: strerror(errno))) }
            }
            for file in files { logger.debug("wrote \(file.path) (\(file.text.utf8.count) bytes)") }
        } catch {
            for file in written { unlink(file.temporary) }
            let reason = (error as? WriteFailure)?.reason ?? error.localizedDescription
            throw UseCaseError.cannotCreate("cannot write \(current): \(reason)")
        }
    }

    /// Why a write failed, in the system's words (`File too large`, `No space left on device`).
    struct WriteFailure: Error { var reason: String }

    /// Writes `text` to `path` (created or truncated) and flushes it to disk; any short write,
    /// failed `fsync` or `close` throws, since a full disk may only show there.
    static func writeFully(_ text: String, to path: String) throws {
        var text = text
        try text.withUTF8 { try writeFully(UnsafeRawBufferPointer($0), to: path) }
    }

    /// Writes `bytes` to `path` as `writeFully(_:to:)` writes a string.
    static func writeFully(_ bytes: [UInt8], to path: String) throws {
        try bytes.withUnsafeBytes { try writeFully($0, to: path) }
    }

    private static func writeFully(_ buffer: UnsafeRawBufferPointer, to path: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw WriteFailure(reason: String(cString: strerror(errno))) }
        var failure: String?
        var offset = 0
        while offset < buffer.count, let base = buffer.baseAddress {
            let n = Glibc.write(descriptor, base + offset, buffer.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                failure = String(cString: strerror(errno))
                break
            }
            offset += n
        }
        if failure == nil, fsync(descriptor) != 0 { failure = String(cString: strerror(errno)) }
        if close(descriptor) != 0, failure == nil { failure = String(cString: strerror(errno)) }
        if let failure { throw WriteFailure(reason: failure) }
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

    /// Writes a result JSON: its bytes made in one buffer, with no string in between.
    public static func writeResult(_ result: SimulationResult, to path: String) throws {
        let bytes = timed("result JSON") { result.jsonBytes() }
        try timed("write \(path)") { try write(path: path, what: "the result") { try writeFully(bytes, to: $0) } }
    }

    /// Writes `text`; `what` names it in the message when it cannot be written (`the comparison`).
    /// Like `writeAll`: a temporary beside it, flushed, then renamed.
    static func write(_ text: String, to path: String, what: String) throws {
        try write(path: path, what: what) { try writeFully(text, to: $0) }
    }

    /// Runs `fill` on a temporary beside `path`, then renames it to `path`; on failure removes it.
    private static func write(path: String, what: String, _ fill: (String) throws -> Void) throws {
        let temporary = path + ".placer-tmp"
        do {
            try fill(temporary)
            if rename(temporary, path) != 0 { throw WriteFailure(reason: String(cString: strerror(errno))) }
        } catch {
            unlink(temporary)
            let reason = (error as? WriteFailure)?.reason ?? error.localizedDescription
            throw UseCaseError.cannotCreate("\(path): cannot write\(what.isEmpty ? "" : " " + what): \(reason)")
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
