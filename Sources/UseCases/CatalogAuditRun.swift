import Foundation
import Formatting
import Placement
import Pricing
import Results

/// `placer catalog audit`: every figure of the catalog and of the on-prem and decision defaults
/// by the age of its last confirmation and its confidence; given a result, the assumed and stale
/// figures ranked by how far each moves that result's bills (modules Pricing and Placement).
public enum CatalogAuditRun {
    public struct Request: Sendable {
        /// A folder of profiles that add to or override the bundled ones.
        public var catalog: String?
        /// The audit's day, `YYYY-MM-DD` (the CLI's default: today, UTC).
        public var asOf: String
        /// List only figures confirmed more than this many days before `asOf`.
        public var olderThanDays: Int?
        /// A figure confirmed longer ago than this is stale (as is one never re-checked).
        public var staleAfterDays: Int
        /// A `placer.result/v1` file whose bills to re-price.
        public var result: String?

        public init(catalog: String? = nil, asOf: String, olderThanDays: Int? = nil, staleAfterDays: Int = 365, result: String? = nil) {
            self.catalog = catalog
            self.asOf = asOf
            self.olderThanDays = olderThanDays
            self.staleAfterDays = staleAfterDays
            self.result = result
        }
    }

    public static func run(_ request: Request) throws -> CatalogAudit.Report {
        guard CatalogAudit.dayNumberIsValid(request.asOf) else { throw UseCaseError.usage("--as-of \(request.asOf): expected a date YYYY-MM-DD") }
        if let days = request.olderThanDays, days < 0 { throw UseCaseError.usage("--older-than \(days): expected a number of days, 0 or more") }
        let catalog = try Inputs.catalog(request.catalog)
        var rows: [CatalogAudit.Row]
        do {
            rows = try CatalogAudit.rows(catalog, asOf: request.asOf, staleAfterDays: request.staleAfterDays)
            rows += try defaultsRows(asOf: request.asOf, staleAfterDays: request.staleAfterDays)
        } catch let error as UseCaseError {
            throw error
        } catch {
            throw UseCaseError.badInput("\(error)")
        }
        rows = CatalogAudit.sorted(rows)
        var report = CatalogAudit.Report(asOf: request.asOf, olderThanDays: request.olderThanDays, staleAfterDays: request.staleAfterDays,
                            rows: rows.filter { row in request.olderThanDays.map { row.ageDays > $0 } ?? true },
                            targets: [], result: request.result)
        if let path = request.result { report.targets = try audit(result: path, rows: rows, catalog: catalog) }
        return report
    }

    private static func defaultsRows(asOf: String, staleAfterDays: Int) throws -> [CatalogAudit.Row] {
        var rows: [CatalogAudit.Row] = []
        for file in [try DefaultsFile.onPrem(), try DefaultsFile.decision()] {
            for entry in file.entries {
                guard let source = file.sources[entry.source] else { continue }
                rows.append(try CatalogAudit.row(owner: String(file.file.dropLast(5)), path: entry.key, value: entry.value,
                                                 sourceName: entry.source, source: source, asOf: asOf, staleAfterDays: staleAfterDays))
            }
        }
        return rows
    }

    private static func audit(result path: String, rows: [CatalogAudit.Row], catalog: Catalog) throws -> [CatalogAudit.TargetAudit] {
        if let head = FileManager.default.contents(atPath: path)?.prefix(2), head.elementsEqual([0x1F, 0x8B]) {
            throw UseCaseError.badInput("\(path): compressed with gzip: run `gzip -dk \(path)` and give the .json")
        }
        let doc: ResultDocument
        do { doc = try ResultDocument.load(path: path) } catch {
            throw UseCaseError.badInput(InvisibleText.terminalLine("\(error)"))
        }
        // The deployment the result was made with overrides profile figures: re-bill with them.
        var catalog = catalog
        var deploymentNote: String?
        if let file = doc.section("inputs")?["deployment"]?.string {
            if FileManager.default.fileExists(atPath: file), let plan = try Inputs.deployment(file) {
                for selection in plan.targets {
                    guard let override = selection.override, catalog.profiles[selection.id] != nil else { continue }
                    do { catalog = try catalog.overriding(selection.id, with: override, origin: file, read: Inputs.today()) } catch {
                        throw UseCaseError.badInput("\(file): \(error)")
                    }
                }
            } else {
                deploymentNote = "the result's deployment \(file) was not found here: re-billed with the catalog alone"
            }
        }
        let accounts = doc.section("accounts")?["count"]?.double.map { Int($0) } ?? 1
        var audits: [CatalogAudit.TargetAudit] = []
        for target in doc.targets {
            let node = doc.root["targets"]?.array?.first { $0["id"]?.string == target.id }
            let bill = node?["bill"]
            let recorded = target.figures.monthlyCost?.total
            let doubtful = rows.filter { $0.owner == target.id && $0.doubtful }
            let replay = doubtful.filter { !FigureScaling.isRebillable($0.path) }
            var audit = CatalogAudit.TargetAudit(target: target.id, recorded: recorded, rebilled: nil, swings: [], needsReplay: replay, note: nil)
            guard let profile = catalog.profiles[target.id] else {
                audit.note = "not in this catalog"
                audits.append(audit)
                continue
            }
            guard profile.billing != nil else {
                audit.note = "on-prem: its cost is the cluster `placer place` sizes, not a bill to re-price"
                audits.append(audit)
                continue
            }
            guard let bill, let usageNode = bill["usage"], !usageNode.isNull else {
                audit.note = "the result records no usage for this target (written before Placer recorded it): run `placer advise` or `placer simulate` again to rank its figures"
                audits.append(audit)
                continue
            }
            let usage = try RecordedUsage.usage(usageNode, file: path)
            let options = try RecordedUsage.options(bill["pricing"], file: path)
            do {
                audit.swings = try CatalogAudit.swings(rows, profile: profile, usage: usage, options: options)
                audit.rebilled = try BillingEngine.price(usage, on: profile, options: options).total
            } catch {
                throw UseCaseError.badInput("\(path): \(target.id): the recorded usage cannot be re-billed: \(error)")
            }
            if let rebilled = audit.rebilled, let recorded, abs(rebilled - recorded) > Decimal(string: "0.00001")! {
                let why = accounts > 1
                    ? "the result billed \(accounts) accounts, each with its own free grants and tiers, and records their usage summed, which is re-billed here as one account"
                    : "a figure or a deployment override differs"
                audit.note = (deploymentNote.map { $0 + "; " } ?? "") + "re-billed with this catalog at \(Numbers.usd(rebilled, .compact)) a month against the result's \(Numbers.usd(recorded, .compact)): \(why); moves are measured from the re-bill"
            }
            audits.append(audit)
        }
        return audits
    }
}

extension CatalogAudit {
    /// Whether `text` is a date `YYYY-MM-DD`.
    static func dayNumberIsValid(_ text: String) -> Bool { (try? days(from: text, to: text)) != nil }
}
