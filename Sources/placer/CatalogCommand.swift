import ArgumentParser
import Foundation
import Pricing

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
            let catalog = try loadCatalog(catalog)
            let rows = catalog.ids.compactMap { catalog.profiles[$0] }.map { p -> [String] in
                var status = p.status.state.rawValue
                if let since = p.status.since { status += " \(since)" }
                if let successor = p.status.successor { status += " → \(successor)" }
                let asOf = p.pricesAsOf ?? p.sources.values.map(\.read).max() ?? "-"
                return [p.id, p.name, p.kind.rawValue, status, asOf]
            }
            print(table(header: ["ID", "NAME", "KIND", "STATUS", "AS OF"], rows: rows), terminator: "")
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
            print("\(p.id) — \(p.name)")
            print("kind: \(p.kind.rawValue)   provider: \(p.provider)   status: \(p.status.state.rawValue)"
                  + (p.status.since.map { " since \($0)" } ?? "") + (p.status.successor.map { ", successor \($0)" } ?? ""))
            if let note = p.status.note { print("note: \(note)") }
            if let region = p.region { print("region: \(region)   prices as of: \(p.pricesAsOf ?? "-")") }
            if let billing = p.billing {
                print("billing: mode \(billing.mode.rawValue), memory \(billing.memory.basis.rawValue), init billed: \(billing.initBilled.billed)"
                      + (billing.initBilled.since.map { " since \($0)" } ?? ""))
                if case .table(let rows, _) = billing.cpu {
                    print("cpu table: " + rows.map { "\($0.memoryMB) MB → \($0.vcpu) vCPU" + ($0.ghz.map { " (\($0) GHz)" } ?? "") }.joined(separator: ", "))
                }
            } else {
                print("billing: none per use (on-prem: the cost is the cluster it needs)")
            }
            print("keep-alive: \(p.keepAlive.policy.rawValue)   scaling unit: \(p.limits.scalingUnit.rawValue)")
            if let cp = p.controlPlane, !cp.components.isEmpty { print("control plane: " + cp.components.joined(separator: ", ")) }
            print("")
            let rows = p.figures.map { entry -> [String] in
                let s = p.sources[entry.figure.source]
                return [entry.path, "\(entry.figure.value) \(entry.figure.unit)", entry.figure.source, s?.confidence.rawValue ?? "?"]
            }
            print(table(header: ["FIELD", "VALUE", "SOURCE", "CONFIDENCE"], rows: rows), terminator: "")
            print("\nsources:")
            for name in p.sources.keys.sorted() {
                guard let s = p.sources[name] else { continue }
                print("  \(name): \(s.url) (read \(s.read), \(s.confidence.rawValue))")
                if let note = s.note { print("    \(note)") }
            }
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

/// Left-aligned columns separated by two spaces.
func table(header: [String], rows: [[String]]) -> String {
    let all = [header] + rows
    let widths = header.indices.map { i in all.map { $0[i].count }.max() ?? 0 }
    return all.map { row in
        row.enumerated().map { i, cell in i == row.count - 1 ? cell : cell.padding(toLength: widths[i], withPad: " ", startingAt: 0) }
            .joined(separator: "  ")
    }.joined(separator: "\n") + "\n"
}
