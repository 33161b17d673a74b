import ArgumentParser
import Foundation
import Pricing
import TerminalText
import UseCases

struct CatalogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "catalog",
        abstract: "List, show, validate and audit target profiles.",
        subcommands: [List.self, Show.self, Validate.self, Audit.self])

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
                    printError(error.description)
                }
            }
            if failed { throw Exit.badInput }
        }
    }

    struct Audit: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List every figure by the age of its last check and its confidence; with --result, rank the assumed and stale ones by how far each moves that result's bills.")
        @Option(name: .long, help: "List only figures last confirmed more than DAYS days ago.") var olderThan: Int?
        @Option(name: .long, help: "A placer.result/v1 JSON (from advise or simulate) whose bills to re-price with each figure halved and doubled.") var result: String?
        @Option(name: .long, help: "The day ages count to, YYYY-MM-DD (default: today, UTC).") var asOf: String?
        @Option(name: .long, help: "A figure confirmed longer ago than this many days is stale (default 365).") var staleAfter = 365
        @Option(name: .long, help: "A folder of profiles that add to or override the bundled ones.") var catalog: String?
        @Flag(name: .long, help: "Print the audit as JSON (placer.audit/v1).") var json = false

        func run() throws {
            let today = ISO8601DateFormatter.string(from: Date(), timeZone: TimeZone(identifier: "UTC") ?? .current, formatOptions: [.withFullDate])
            let report = try CatalogAuditRun.run(.init(catalog: catalog, asOf: asOf ?? today, olderThanDays: olderThan,
                                                       staleAfterDays: staleAfter, result: result))
            print(json ? CatalogAuditRun.json(report) : CatalogAuditText.render(report), terminator: "")
        }
    }
}
