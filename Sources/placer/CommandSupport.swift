import ArgumentParser
import Foundation
import Simulation
import Traces
import UseCases

/// Exit statuses, after BSD's sysexits: 64 usage error, 65 bad input data, 73 cannot create
/// output, 75 temporary failure (try again: another placer is writing the database).
enum Exit {
    static let usage = ExitCode(64)
    static let badInput = ExitCode(65)
    static let failure = ExitCode(1)
    static let cannotCreate = ExitCode(73)
    static let temporaryFailure = ExitCode(75)

    /// The status of a use case's error of this kind.
    static func code(_ kind: UseCaseError.Kind) -> ExitCode {
        switch kind {
        case .usage: return usage
        case .badInput: return badInput
        case .cannotCreate: return cannotCreate
        case .temporaryFailure: return temporaryFailure
        case .failure: return failure
        }
    }
}

/// Prints `error: message` to standard error and returns the exit code to throw.
func fail(_ message: CustomStringConvertible, _ code: ExitCode) -> ExitCode {
    printError("error: " + message.description)
    return code
}

/// Writes a message to standard error on a line of its own (`StandardError`).
func printError(_ message: String) {
    StandardError.line(message)
}

/// A comma-separated option (`--targets a,b`) as its items, blanks dropped.
func commaList(_ text: String) -> [String] {
    text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
}

/// `placer-worker` beside this executable.
func workerPath() -> String {
    let me = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
    return me.deletingLastPathComponent().appendingPathComponent("placer-worker").path
}

extension TraceFormat: ExpressibleByArgument {}
extension ArrivalMode: ExpressibleByArgument {}
extension AccountMode: ExpressibleByArgument {}
extension KeepAliveChoice: ExpressibleByArgument {}
extension CompareFormat: ExpressibleByArgument {}
