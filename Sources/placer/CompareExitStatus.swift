import ArgumentParser
import Foundation

extension Placer {
    /// ArgumentParser's `main`, except that `placer compare` reports usage errors with exit
    /// status 2, the convention CI scripts test for (issue 9); every other command keeps 64.
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        let isCompare = arguments.first == CompareCommand.configuration.commandName
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
        } catch let code as ExitCode where isCompare && code == Exit.usage {
            Foundation.exit(2)
        } catch where isCompare && exitCode(for: error) == .validationFailure {
            printError(fullMessage(for: error))
            Foundation.exit(2)
        } catch {
            exit(withError: error)
        }
    }
}
