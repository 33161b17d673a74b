import ArgumentParser
import Foundation
import InputLimits
import Logging
import UseCases

extension Placer {
    /// ArgumentParser's `main`, except that a use case's error is printed as `error: message`
    /// (and its notes) with the exit status of its kind, and that `placer compare` reports usage
    /// errors with exit status 2, the convention CI scripts test for (issue 9); every other
    /// command keeps 64.
    static func main() {
        var arguments = Array(CommandLine.arguments.dropFirst())
        let logging: LogOptions
        do { logging = try LogOptions.extract(from: &arguments) } catch let error as LogOptionError {
            printError("error: " + error.message)
            exit(withError: arguments.first == CompareCommand.configuration.commandName ? ExitCode(2) : Exit.usage)
        } catch {
            exit(withError: error)
        }
        logging.bootstrap()
        let isCompare = arguments.first == CompareCommand.configuration.commandName
        // The PLACER_MAX_* limits: a variable that is set but unusable is a usage error.
        do { _ = try InputLimits.from(environment: ProcessInfo.processInfo.environment) } catch {
            printError("error: \(error)")
            Foundation.exit(isCompare ? 2 : 64)
        }
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
            StandardError.close()
        } catch {
            StandardError.close()
            // A use case's error, or the database's met outside one (a query deep in a library).
            guard let error = error as? UseCaseError ?? UseCaseError(store: error) else { Self.exitOther(error, isCompare: isCompare) }
            printError("error: " + error.message)
            for note in error.notes { printError("note: " + note) }
            if isCompare && error.kind == .usage { Foundation.exit(2) }
            exit(withError: Exit.code(error.kind))
        }
    }

    /// ArgumentParser's own errors (help, usage, `ExitCode`), with `compare`'s usage status 2.
    private static func exitOther(_ error: any Error, isCompare: Bool) -> Never {
        do { throw error } catch let code as ExitCode where isCompare && code == Exit.usage {
            Foundation.exit(2)
        } catch where isCompare && exitCode(for: error) == .validationFailure {
            printError(fullMessage(for: error))
            Foundation.exit(2)
        } catch {
            StandardError.close()
            exit(withError: error)
        }
    }
}
