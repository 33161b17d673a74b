import Foundation
import Percentiles
import Pricing
import Results
import Traces

/// A shard's partial result as JSON (`placer.partial/v2`, docs/scale.md) and back. Every figure
/// is kept exactly: integers past 2⁵³ and the exact sums as decimal text, doubles as the
/// shortest text that reads back as the same double, histograms as their buckets.
extension PartialRun {
    public static let schema = "placer.partial/v2"

    /// The partial's fields; `extra` (the run's identity and sections, from the caller) is added.
    public func jsonValue(extra: [String: JSONValue] = [:]) -> JSONValue {
        var fields: [String: JSONValue] = [
            "schema": .string(Self.schema),
            "shard": .object(["index": .int(shard.index), "count": .int(shard.count), "hash": .string("fnv1a-64 of the app key, part = hash % count + 1")]),
            "seed": .string(String(seed)), "arrivals": .string(arrivals.rawValue), "spanMinutes": .int(spanMinutes),
            "appCount": .int(appCount), "notes": .array(notes.map { .string($0) }),
            "accounts": .object(["mode": .string(accounts.mode.rawValue), "count": .int(accounts.count)]),
            "apps": .array(apps.map { .int($0) }), "lines": .array(lines.map { .int($0) }),
            "targets": .array(targets.map { $0.jsonValue() }),
        ]
        for (key, value) in extra where fields[key] == nil { fields[key] = value }
        return .object(fields)
    }

    /// Reads a partial written by `jsonValue`; `file` names it in errors.
    public init(json root: JSONNode, file: String) throws {
        let r = Reader(file: file)
        guard try r.string(root, "schema") == Self.schema else {
            throw r.fail(root, "schema", "not a partial result of this Placer (\(Self.schema)); write one with this placer's simulate --shard K/N --json FILE")
        }
        let s = try r.node(root, "shard")
        guard let shard = Shard(index: try r.int(s, "index"), count: try r.int(s, "count")) else { throw r.fail(s, "index", "not a shard K/N") }
        self.shard = shard
        guard let seed = UInt64(try r.string(root, "seed")) else { throw r.fail(root, "seed", "not a seed") }
        self.seed = seed
        guard let arrivals = ArrivalMode(rawValue: try r.string(root, "arrivals")) else { throw r.fail(root, "arrivals", "unknown") }
        self.arrivals = arrivals
        spanMinutes = try r.int(root, "spanMinutes")
        guard spanMinutes >= 0, spanMinutes <= 1_000_000 else { throw r.fail(root, "spanMinutes", "out of range") }
        appCount = try r.int(root, "appCount")
        notes = try r.array(root, "notes").map { try r.text($0) }
        let a = try r.node(root, "accounts")
        guard let mode = AccountMode(rawValue: try r.string(a, "mode")) else { throw r.fail(a, "mode", "unknown") }
        accounts = AccountSummary(mode: mode, count: try r.int(a, "count"))
        guard accounts.count >= 1 else { throw r.fail(a, "count", "at least 1") }
        apps = try r.array(root, "apps").map { try r.integer($0) }
        lines = try r.array(root, "lines").map { try r.integer($0) }
        guard apps.count == lines.count, lines.allSatisfy({ $0 >= 0 }) else { throw r.fail(root, "lines", "not one count per app") }
        let span = spanMinutes
        targets = try r.array(root, "targets").map { try PartialTarget(json: $0, spanMinutes: span, reader: r) }
    }
}

extension PartialTarget {
    func jsonValue() -> JSONValue {
        let a = acc
        var fields: [String: JSONValue] = [
            "id": .string(id),
            "counts": .array([a.total.invocations, a.total.coldStarts, a.total.throttled, a.total.rejected, a.total.delayed,
                              a.total.timedOut, a.total.queued, a.memoryRaised, a.fastUnits, a.fastCalls, a.discarded].map { .int($0) }),
            "sums": .array([a.sums.instanceSeconds, a.sums.memoryGBSeconds, a.sums.billedGBSeconds].map { .string(String($0)) }),
            "latencies": Self.histogramJSON(a.histogram), "waits": Self.histogramJSON(a.waits),
            "usage": Self.usageJSON(a.usage),
            "accountUsage": .array(a.accountUsage.sorted { $0.key < $1.key }.map { .array([.int($0.key), Self.usageJSON($0.value)]) }),
            "instPartial": Self.minutesJSON(a.minutes.instPartial), "instWhole": Self.minutesJSON(a.minutes.instWhole),
            "mbPartial": Self.minutesJSON(a.minutes.mbPartial), "mbWhole": Self.minutesJSON(a.minutes.mbWhole),
            "unpriced": .array(zip(a.unpricedApps, a.unpriced).map { .array([.int($0), .string($1)]) }),
            "memoryBases": .array(a.memoryBases.sorted { $0.key.rawValue < $1.key.rawValue }.map { .array([.string($0.key.rawValue), .int($0.value)]) }),
            "functions": .array(zip(a.functions, a.shares).map { Self.functionJSON($0, share: $1) }),
        ]
        fields["accountBounds"] = .array(a.accountBounds.sorted { $0.key < $1.key }.map { .array([.int($0.key), .int($0.value)]) })
        fields["overlap"] = changes.map { c in
            .array(c.indices.filter { c[$0] != 0 }.map { .string("\($0):\(c[$0])") })
        } ?? .null
        return .object(fields)
    }

    static func exact(_ x: Double) -> JSONValue { .string("\(x)") }

    /// One of a target's per-minute sums, as decimal strings (64-bit integers).
    static func minutesJSON(_ values: [Int64]) -> JSONValue { .array(values.map { .string(String($0)) }) }

    static func histogramJSON(_ h: PercentileHistogram) -> JSONValue {
        .object(["digits": .int(h.digits == .two ? 2 : 3), "buckets": .array(h.buckets.map { .string("\($0.units):\($0.count)") })])
    }

    static func summaryJSON(_ l: LatencySummary) -> JSONValue { .array([exact(l.p50), exact(l.p95), exact(l.p99)]) }

    static func functionJSON(_ f: FunctionOutcome, share: (gbs: Double, requests: Int, storage: Double)) -> JSONValue {
        let o = f.outcome
        return .object([
            "app": .string(f.app), "function": .string(f.function), "scalingUnit": .string(f.scalingUnit), "memoryMB": exact(f.memoryMB),
            "counts": .array([o.invocations, o.coldStarts, o.throttled, o.rejected, o.delayed, o.timedOut, o.queued, o.peakInstances].map { .int($0) }),
            "account": .int(f.account),
            "latencyMs": summaryJSON(o.latencyMs), "waitMs": summaryJSON(o.waitMs),
            "figures": .array([o.instanceSeconds, o.memoryGBSeconds, o.billedGBSeconds].map(exact)),
            "share": .array([exact(share.gbs), .int(share.requests), exact(share.storage)]),
        ])
    }

    static func usageJSON(_ u: UsageSummary) -> JSONValue {
        func table(_ t: [Shape: Int64]) -> JSONValue {
            .array(t.sorted { ($0.key.memoryMB, $0.key.vcpu, $0.key.ghz ?? -1) < ($1.key.memoryMB, $1.key.vcpu, $1.key.ghz ?? -1) }.map { s, ms in
                .array([.int(s.memoryMB), .string(s.vcpu.description), s.ghz.map { .string($0.description) } ?? .null, .string(String(ms))])
            })
        }
        return .object([
            "days": .string(u.days.description), "invocations": .string(String(u.invocations)), "coldStarts": .string(String(u.coldStarts)),
            "egressBytes": .string(String(u.egressBytes)), "overflowed": .bool(u.overflowed),
            "executionMs": table(u.executionMs), "initMs": table(u.initMs), "instanceMs": table(u.instanceMs),
            "provisionedMs": table(u.provisionedMs), "provisionedExecutionMs": table(u.provisionedExecutionMs),
            "storageMs": .array(u.storageMs.sorted { $0.key < $1.key }.map { .array([.int($0.key), .string(String($0.value))]) }),
        ])
    }

    init(json node: JSONNode, spanMinutes: Int, reader r: Reader) throws {
        id = try r.string(node, "id")
        var a = Accumulator(spanMinutes: spanMinutes, days: Decimal(spanMinutes) / 1440)
        let counts = try r.array(node, "counts").map { try r.integer($0) }
        guard counts.count == 11 else { throw r.fail(node, "counts", "expected 11 counts") }
        (a.total.invocations, a.total.coldStarts, a.total.throttled, a.total.rejected, a.total.delayed) = (counts[0], counts[1], counts[2], counts[3], counts[4])
        (a.total.timedOut, a.total.queued, a.memoryRaised, a.fastUnits, a.fastCalls, a.discarded) = (counts[5], counts[6], counts[7], counts[8], counts[9], counts[10])
        let sums = try r.array(node, "sums").map { try r.parsed($0, Int128.init) }
        guard sums.count == 3 else { throw r.fail(node, "sums", "expected 3 sums") }
        a.sums = TotalSums(instanceSeconds: sums[0], memoryGBSeconds: sums[1], billedGBSeconds: sums[2])
        a.histogram = try Self.histogram(try r.node(node, "latencies"), r)
        a.waits = try Self.histogram(try r.node(node, "waits"), r)
        a.usage = try Self.usage(try r.node(node, "usage"), r)
        for entry in try r.array(node, "memoryBases") {
            guard let pair = entry.array, pair.count == 2, let basis = pair[0].string.flatMap(InstanceMemoryRule.Basis.init(rawValue:)) else {
                throw r.fail(entry, nil, "expected [instance memory basis, units]")
            }
            a.memoryBases[basis] = try r.integer(pair[1])
        }
        for entry in try r.array(node, "accountUsage") {
            guard let pair = entry.array, pair.count == 2 else { throw r.fail(entry, nil, "expected [account, usage]") }
            a.accountUsage[try r.integer(pair[0])] = try Self.usage(pair[1], r)
        }
        func minutes(_ key: String) throws -> [Int64] {
            let values = try r.array(node, key).map { try r.parsed($0, Int64.init) }
            guard values.count == spanMinutes + 2 else { throw r.fail(node, key, "expected \(spanMinutes + 2) minutes") }
            return values
        }
        a.minutes.instPartial = try minutes("instPartial"); a.minutes.instWhole = try minutes("instWhole")
        a.minutes.mbPartial = try minutes("mbPartial"); a.minutes.mbWhole = try minutes("mbWhole")
        for entry in try r.array(node, "unpriced") {
            guard let pair = entry.array, pair.count == 2 else { throw r.fail(entry, nil, "expected [app, text]") }
            a.unpricedApps.append(try r.integer(pair[0]))
            a.unpriced.append(try r.text(pair[1]))
        }
        for f in try r.array(node, "functions") {
            let c = try r.array(f, "counts").map { try r.integer($0) }
            guard c.count == 8 else { throw r.fail(f, "counts", "expected 8 counts") }
            var o = Outcome()
            (o.invocations, o.coldStarts, o.throttled, o.rejected, o.delayed, o.timedOut, o.queued, o.peakInstances) = (c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7])
            o.latencyMs = try Self.summary(try r.node(f, "latencyMs"), r)
            o.waitMs = try Self.summary(try r.node(f, "waitMs"), r)
            let figures = try r.array(f, "figures").map { try r.parsed($0, Double.init) }
            let share = try r.array(f, "share")
            guard figures.count == 3, share.count == 3 else { throw r.fail(f, "figures", "expected 3 figures and a share of 3") }
            (o.instanceSeconds, o.memoryGBSeconds, o.billedGBSeconds) = (figures[0], figures[1], figures[2])
            a.functions.append(FunctionOutcome(app: try r.string(f, "app"), function: try r.string(f, "function"),
                                               scalingUnit: try r.string(f, "scalingUnit"), memoryMB: try r.parsed(try r.node(f, "memoryMB"), Double.init),
                                               outcome: o, account: try r.int(f, "account")))
            a.shares.append((try r.parsed(share[0], Double.init), try r.integer(share[1]), try r.parsed(share[2], Double.init)))
        }
        for entry in try r.array(node, "accountBounds") {
            guard let pair = entry.array, pair.count == 2 else { throw r.fail(entry, nil, "expected [account, bound]") }
            let (account, bound) = (try r.integer(pair[0]), try r.integer(pair[1]))
            guard account >= 0, bound >= 0, a.accountBounds[account] == nil else { throw r.fail(entry, nil, "expected one non-negative bound per account") }
            a.accountBounds[account] = bound
        }
        acc = a
        if let overlap = node["overlap"], !overlap.isNull {
            var c = [Int64](repeating: 0, count: spanMinutes * 60 + 2)
            for entry in overlap.array ?? [] {
                let text = try r.text(entry)
                let pair = text.split(separator: ":")
                guard pair.count == 2, let i = Int(pair[0]), let v = Int64(pair[1]), i >= 0, i < c.count else {
                    throw r.fail(entry, nil, "expected second:change")
                }
                c[i] = v
            }
            changes = c
        } else {
            changes = nil
        }
    }

    static func histogram(_ node: JSONNode, _ r: Reader) throws -> PercentileHistogram {
        let digits: PercentileHistogram.Digits = try r.int(node, "digits") == 3 ? .three : .two
        let buckets = try r.array(node, "buckets").map { entry -> (units: UInt64, count: UInt64) in
            let pair = try r.text(entry).split(separator: ":")
            guard pair.count == 2, let u = UInt64(pair[0]), let c = UInt64(pair[1]) else { throw r.fail(entry, nil, "expected units:count") }
            return (u, c)
        }
        return PercentileHistogram(digits, buckets: buckets)
    }

    static func summary(_ node: JSONNode, _ r: Reader) throws -> LatencySummary {
        guard let p = node.array, p.count == 3 else { throw r.fail(node, nil, "expected [p50, p95, p99]") }
        return LatencySummary(p50: try r.parsed(p[0], Double.init), p95: try r.parsed(p[1], Double.init), p99: try r.parsed(p[2], Double.init))
    }

    static func usage(_ node: JSONNode, _ r: Reader) throws -> UsageSummary {
        guard let days = Decimal(string: try r.string(node, "days")) else { throw r.fail(node, "days", "not a number") }
        var u = UsageSummary(days: days)
        u.invocations = try r.parsed(try r.node(node, "invocations"), Int64.init)
        u.coldStarts = try r.parsed(try r.node(node, "coldStarts"), Int64.init)
        u.egressBytes = try r.parsed(try r.node(node, "egressBytes"), Int64.init)
        guard case .bool(let overflowed)? = node["overflowed"]?.value else { throw r.fail(node, "overflowed", "expected true or false") }
        u.overflowed = overflowed
        func table(_ key: String) throws -> [Shape: Int64] {
            var out: [Shape: Int64] = [:]
            for row in try r.array(node, key) {
                guard let f = row.array, f.count == 4, let vcpu = Decimal(string: try r.text(f[1])) else { throw r.fail(row, nil, "expected [memoryMB, vcpu, ghz, ms]") }
                let ghz = try f[2].isNull ? nil : Decimal(string: r.text(f[2]))
                out[Shape(memoryMB: try r.integer(f[0]), vcpu: vcpu, ghz: ghz)] = try r.parsed(f[3], Int64.init)
            }
            return out
        }
        u.executionMs = try table("executionMs"); u.initMs = try table("initMs"); u.instanceMs = try table("instanceMs")
        u.provisionedMs = try table("provisionedMs"); u.provisionedExecutionMs = try table("provisionedExecutionMs")
        for row in try r.array(node, "storageMs") {
            guard let f = row.array, f.count == 2 else { throw r.fail(row, nil, "expected [mb, ms]") }
            u.storageMs[try r.integer(f[0])] = try r.parsed(f[1], Int64.init)
        }
        return u
    }
}

/// Field access with one-line errors naming the file and the field.
struct Reader {
    let file: String

    func fail(_ node: JSONNode, _ key: String?, _ message: String) -> ResultError {
        let path = key.map { node.path.isEmpty ? $0 : "\(node.path).\($0)" } ?? node.path
        return ResultError(file: file, message: "\(path.isEmpty ? "" : path + ": ")\(message)")
    }

    func node(_ parent: JSONNode, _ key: String) throws -> JSONNode {
        guard let n = parent[key] else { throw fail(parent, key, "missing") }
        return n
    }

    func string(_ parent: JSONNode, _ key: String) throws -> String { try text(try node(parent, key)) }
    func int(_ parent: JSONNode, _ key: String) throws -> Int { try integer(try node(parent, key)) }
    func array(_ parent: JSONNode, _ key: String) throws -> [JSONNode] {
        let n = try node(parent, key)
        guard let items = n.array else { throw fail(n, nil, "expected a list") }
        return items
    }

    func text(_ n: JSONNode) throws -> String {
        guard let s = n.string else { throw fail(n, nil, "expected text") }
        return s
    }

    func integer(_ n: JSONNode) throws -> Int {
        guard let d = n.double, d == d.rounded(), abs(d) <= 9_007_199_254_740_992 else { throw fail(n, nil, "expected a whole number") }
        return Int(d)
    }

    /// A value written as text (`parse` of it), e.g. an exact sum or a double's shortest text.
    func parsed<T>(_ n: JSONNode, _ parse: (String) -> T?) throws -> T {
        guard let s = n.string, let v = parse(s) else { throw fail(n, nil, "expected a number written as text") }
        return v
    }
}
