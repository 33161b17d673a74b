import Foundation
import Logging

/// `--verbose` and `--log-level LEVEL`, global options taken wherever they stand on the command
/// line: diagnostics of the libraries on standard error, apart from the messages a user reads
/// (errors, notes, warnings, progress), which stay as they are. Without either, nothing is logged.
struct LogOptions: Equatable {
    var level: Logger.Level?

    /// The levels `--log-level` takes, least severe first.
    static let levels = Logger.Level.allCases.map(\.rawValue)

    /// Takes the options out of `arguments` (up to a `--`), leaving the rest for the parser.
    static func extract(from arguments: inout [String]) throws -> LogOptions {
        var options = LogOptions()
        var rest: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if argument == "--" { rest += arguments[index...]; break }
            if argument == "--verbose" {
                options.level = min(options.level ?? .debug, .debug)
            } else if argument == "--log-level" || argument.hasPrefix("--log-level=") {
                let value: String
                if argument == "--log-level" {
                    guard index + 1 < arguments.count else { throw LogOptionError("--log-level needs a LEVEL: \(levels.joined(separator: ", "))") }
                    index += 1
                    value = arguments[index]
                } else {
                    value = String(argument.dropFirst("--log-level=".count))
                }
                guard let level = Logger.Level(rawValue: value) else {
                    throw LogOptionError("--log-level \(value): expected one of \(levels.joined(separator: ", "))")
                }
                options.level = level
            } else {
                rest.append(argument)
            }
            index += 1
        }
        arguments = rest
        return options
    }

    /// Logs at `level` and above to standard error when a level was asked for; otherwise nowhere.
    func bootstrap() {
        guard let level else {
            LoggingSystem.bootstrap { _ in SwiftLogNoOpLogHandler() }
            return
        }
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }
}

/// A `--log-level` the CLI cannot take: a usage error.
struct LogOptionError: Error {
    var message: String
    init(_ message: String) { self.message = message }
}
