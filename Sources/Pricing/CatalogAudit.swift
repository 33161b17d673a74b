import Foundation

/// `placer catalog audit`: every figure with the age of its last confirmation and its
/// confidence, and, given a month of usage per target, how far each assumed or stale figure
/// moves that target's bill when halved and doubled.
public enum CatalogAudit {
    /// One figure of the catalog (or of a defaults file).
    public struct Row: Sendable, Equatable {
        /// The target id, or the defaults file's name.
        public var owner: String
        public var path: String
        /// The value with its unit, as written.
        public var value: String
        public var sourceName: String
        public var source: Source
        /// Days from the last confirmation (`checked`, else `read`) to the audit's date.
        public var ageDays: Int
        /// Never re-checked, or confirmed longer ago than the audit's limit.
        public var stale: Bool

        public init(owner: String, path: String, value: String, sourceName: String, source: Source, ageDays: Int, stale: Bool) {
            self.owner = owner
            self.path = path
            self.value = value
            self.sourceName = sourceName
            self.source = source
            self.ageDays = ageDays
            self.stale = stale
        }

        /// Assumed or stale: what the ranking is about.
        public var doubtful: Bool { stale || source.confidence == .assumed }
    }

    /// How one figure moves one target's monthly bill.
    public struct Swing: Sendable, Equatable {
        public var row: Row
        /// The bill re-priced with the catalog's figures (the baseline of the differences).
        public var baseline: Decimal
        /// Bill with the figure halved, and doubled, minus the baseline (nil: the halved or
        /// doubled profile is not valid, with the reason in `refused`).
        public var halved: Decimal?
        public var doubled: Decimal?
        public var refused: String?

        /// The larger of the two moves, in absolute value.
        public var magnitude: Decimal { max(abs(halved ?? 0), abs(doubled ?? 0)) }
    }

    /// One target of the result: its recorded bill, the same usage re-billed with today's
    /// catalog, and its doubtful figures' moves.
    public struct TargetAudit: Sendable {
        public var target: String
        /// The result's monthly bill of the target (nil on-prem: no bill per use).
        public var recorded: Decimal?
        /// Nil when the result records no usage for the target (on-prem, or an older result).
        public var rebilled: Decimal?
        public var swings: [Swing]
        /// Doubtful figures of this target that only a replay can test (keep-alive, cold start,
        /// rounding, memory sizes, limits).
        public var needsReplay: [Row]
        public var note: String?

        public init(target: String, recorded: Decimal?, rebilled: Decimal?, swings: [Swing], needsReplay: [Row], note: String?) {
            self.target = target
            self.recorded = recorded
            self.rebilled = rebilled
            self.swings = swings
            self.needsReplay = needsReplay
            self.note = note
        }
    }

    public struct Report: Sendable {
        public var asOf: String
        public var olderThanDays: Int?
        public var staleAfterDays: Int
        /// Listed figures, oldest confirmation first.
        public var rows: [Row]
        /// Per target of the result, in the result's order (empty without `--result`).
        public var targets: [TargetAudit]
        public var result: String?

        public init(asOf: String, olderThanDays: Int?, staleAfterDays: Int, rows: [Row], targets: [TargetAudit], result: String?) {
            self.asOf = asOf
            self.olderThanDays = olderThanDays
            self.staleAfterDays = staleAfterDays
            self.rows = rows
            self.targets = targets
            self.result = result
        }

        /// Every swing of every target, largest first: the ranking.
        public var ranking: [Swing] {
            targets.flatMap(\.swings).sorted { ($1.magnitude, $0.row.owner, $0.row.path) < ($0.magnitude, $1.row.owner, $1.row.path) }
        }
    }

    /// Rows for every figure of every profile, oldest confirmation first (then owner and path).
    /// `asOf` is `YYYY-MM-DD`; a figure is stale when never re-checked or confirmed more than
    /// `staleAfterDays` before it.
    public static func rows(_ catalog: Catalog, asOf: String, staleAfterDays: Int) throws -> [Row] {
        var rows: [Row] = []
        for id in catalog.ids {
            guard let p = catalog.profiles[id] else { continue }
            for entry in p.figures {
                guard let source = p.sources[entry.figure.source] else { continue }
                rows.append(try row(owner: id, path: entry.path, value: "\(entry.figure.value) \(entry.figure.unit)",
                                    sourceName: entry.figure.source, source: source, asOf: asOf, staleAfterDays: staleAfterDays))
            }
        }
        return sorted(rows)
    }

    /// A row for one figure held elsewhere (the on-prem and decision defaults).
    public static func row(owner: String, path: String, value: String, sourceName: String, source: Source,
                           asOf: String, staleAfterDays: Int) throws -> Row {
        let age = try days(from: source.lastConfirmed, to: asOf)
        return Row(owner: owner, path: path, value: value, sourceName: sourceName, source: source, ageDays: age,
                   stale: source.checked == .never || age > staleAfterDays)
    }

    /// Oldest confirmation first, then by owner and path, so the listing is stable.
    public static func sorted(_ rows: [Row]) -> [Row] {
        rows.sorted { ($1.ageDays, $0.owner, $0.path) < ($0.ageDays, $1.owner, $1.path) }
    }

    /// For each doubtful, re-billable figure of `profile`: the bill of `usage` with the figure
    /// halved and doubled, against the bill with the catalog's figures. Largest move first.
    public static func swings(_ rows: [Row], profile: Profile, usage: UsageSummary, options: PricingOptions) throws -> [Swing] {
        let baseline = try BillingEngine.price(usage, on: profile, options: options).total
        var swings: [Swing] = []
        for row in rows where row.owner == profile.id && row.doubtful && FigureScaling.isRebillable(row.path) {
            if row.path == "billing.memoryTiers[0].price" { continue }  // the same figure as billing.memoryPrice
            var swing = Swing(row: row, baseline: baseline)
            do {
                swing.halved = try BillingEngine.price(usage, on: FigureScaling.scaled(profile, path: row.path, by: 0.5), options: options).total - baseline
                swing.doubled = try BillingEngine.price(usage, on: FigureScaling.scaled(profile, path: row.path, by: 2), options: options).total - baseline
            } catch {
                swing.halved = nil
                swing.doubled = nil
                swing.refused = "\(error)"
            }
            swings.append(swing)
        }
        return swings.sorted { ($1.magnitude, $0.row.path) < ($0.magnitude, $1.row.path) }
    }

    /// Whole days from one `YYYY-MM-DD` to another (negative when `to` is earlier).
    public static func days(from: String, to: String) throws -> Int {
        guard let a = dayNumber(from), let b = dayNumber(to) else {
            throw PricingError.invalidUsage("expected dates YYYY-MM-DD, found '\(from)' and '\(to)'")
        }
        return b - a
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
    static func dayNumber(_ text: String) -> Int? {
        let parts = text.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3, text.count == 10, (1...12).contains(parts[1]), (1...31).contains(parts[2]) else { return nil }
        let m = parts[1], d = parts[2]
        let y = parts[0] - (m <= 2 ? 1 : 0)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
