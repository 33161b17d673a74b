import ArgumentParser
import Foundation
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
