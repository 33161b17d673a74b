import ArgumentParser
import Deployment
import Foundation
import Store
import Traces

/// Exit statuses, after BSD's sysexits: 64 usage error, 65 bad input data, 73 cannot create output.
enum Exit {
    static let usage = ExitCode(64)
    static let badInput = ExitCode(65)
    static let failure = ExitCode(1)
    static let cannotCreate = ExitCode(73)
}

/// Prints `error: message` to standard error and returns the exit code to throw.
func fail(_ message: CustomStringConvertible, _ code: ExitCode) -> ExitCode {
    printError("error: " + message.description)
    return code
}

/// Writes one line to standard error.
func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}

extension TraceFormat: ExpressibleByArgument {}

/// Expands folders into the trace files beneath them (sorted, so runs are reproducible).
func traceFiles(_ paths: [String]) throws -> [String] {
    var files: [String] = []
    let manager = FileManager.default
    for path in paths {
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else {
            printError("error: \(path): no such file or folder")
            throw Exit.badInput
        }
        guard isDirectory.boolValue else { files.append(path); continue }
        let found = (manager.enumerator(atPath: path)?.allObjects as? [String] ?? [])
            .filter { name in
                let base = (name as NSString).lastPathComponent
                return !base.hasPrefix(".") && [".csv", ".log", ".tsv", ".txt"].contains { base.hasSuffix($0) }
            }
            .sorted()
            .map { (path as NSString).appendingPathComponent($0) }
        if found.isEmpty {
            printError("error: \(path): no trace files (.csv, .log, .tsv, .txt) in this folder")
            throw Exit.badInput
        }
        files += found
    }
    return files
}

/// The trace the user named: a database written by `placer ingest`, or trace files and folders
/// read into an in-memory store. Bad input exits 65 with one line.
func loadTrace(_ paths: [String], format: TraceFormat?, skipInvalidRows: Bool) throws -> TraceStore {
    if paths.count == 1, TraceStore.isDatabase(path: paths[0]) { return try openStore(paths[0]) }
    let store: TraceStore
    do { store = try TraceStore() } catch { throw fail("\(error)", Exit.failure) }
    let options = ReadOptions(format: format, skipInvalidRows: skipInvalidRows)
    for file in try traceFiles(paths) {
        do {
            if case .ingested(let summary) = try store.ingest(path: file, options: options) {
                for warning in summary.warnings { printError("warning: \(file): \(warning)") }
                if summary.skippedCount > 0 { printError("warning: " + IngestReport.line(file: file, summary)) }
            }
        } catch let error as TraceError {
            throw fail(error, Exit.badInput)
        } catch {
            throw fail("\(file): \(error)", Exit.badInput)
        }
    }
    return store
}

/// The deployment file, if one was named; a broken one exits 65 with its file and line.
func loadDeployment(_ path: String?) throws -> Deployment? {
    guard let path else { return nil }
    do { return try Deployment.load(path: path) } catch {
        throw fail("\(error)", Exit.badInput)
    }
}
