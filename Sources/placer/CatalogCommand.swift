import ArgumentParser
import Foundation
import Pricing
import TerminalText

/// The catalog with the user's folder added, or a one-line error.
func loadCatalog(_ directory: String?) throws -> Catalog {
    do {
        var catalog = try Catalog.bundled()
        if let directory { catalog = try catalog.adding(directory: URL(fileURLWithPath: directory)) }
        return catalog
    } catch let error as CatalogError {
        throw fail(error, Exit.badInput)
    }
}

struct CatalogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "catalog",
        abstract: "List, show and validate target profiles.",
        subcommands: [List.self, Show.self, Validate.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List every target: id, name, kind, status, date of its prices.")
        @Option(name: .long, help: "A folder of profiles that add to or override the bundled ones.") var catalog: String?

        func run() throws {
            print(CatalogText.list(try loadCatalog(catalog)), terminator: "")
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show every figure of a target with its source.")
        @Argument(help: "Target id.") var id: String
        @Option(name: .long, help: "A folder of profiles that add to or override the bundled ones.") var catalog: String?

        func run() throws {
            let catalog = try loadCatalog(catalog)
            let p: Profile
            do { p = try catalog.profile(id) } catch { throw fail("\(error)", Exit.usage) }
            print(CatalogText.show(p), terminator: "")
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
            for file in files {
                switch Catalog.load(file: URL(fileURLWithPath: file)) {
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
