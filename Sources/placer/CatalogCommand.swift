import ArgumentParser
import Foundation
import Pricing
import TerminalText
import UseCases

struct CatalogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "catalog",
        abstract: "List, show and validate target profiles.",
        subcommands: [List.self, Show.self, Validate.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List every target: id, name, kind, status, date of its prices.")
        @Option(name: .long, help: "A folder of profiles that add to or override the bundled ones.") var catalog: String?

        func run() throws {
            print(CatalogText.list(try CatalogLookup.list(catalog: catalog)), terminator: "")
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show every figure of a target with its source.")
        @Argument(help: "Target id.") var id: String
        @Option(name: .long, help: "A folder of profiles that add to or override the bundled ones.") var catalog: String?

        func run() throws {
            print(CatalogText.show(try CatalogLookup.show(id, catalog: catalog)), terminator: "")
        }
    }

    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Check profile files against the schema; print every problem.")
        @Argument(help: "Profile files to check.") var files: [String]

        func validate() throws {
            if files.isEmpty { throw ValidationError("Please give at least one profile file.") }
        }

        func run() throws {
            var failed = false
            for (file, outcome) in CatalogLookup.validate(files) {
                switch outcome {
                case .success(let profile):
                    print("\(file): ok (\(profile.id), \(profile.figures.count) figures)")
                case .failure(let error):
                    failed = true
                    FileHandle.standardError.write(Data((error.description + "\n").utf8))
                }
            }
            if failed { throw Exit.badInput }
        }
    }
}
