import Foundation
import InputLimits

/// A `placer.result/v1` document read back from its JSON (docs/result.md): what the report and
/// compare commands need of it, typed, plus the whole tree for the sections other modules add
/// (`placement`, `breakEven`, `lockIn`, `modelError`).
public struct ResultDocument: Sendable {
    public static let schema = "placer.result/v1"

    public var file: String
    public var seed: String
    public var arrivals: String
    public var spanMinutes: Int
    public var days: Double
    public var notes: [String]
    public var targets: [TargetResult]
    /// The whole document.
    public var root: JSONNode

    /// Reads and checks a result file: valid JSON, this schema version, the fields the report needs.
    public static func load(path: String, limits: InputLimits = .current) throws -> ResultDocument {
        // Refuse an oversized file before reading it into memory.
        if let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int, size > limits.maxJSONBytes {
            throw ResultError(file: path, message: "the file is larger than \(limits.maxJSONBytes) bytes \(InputLimits.Name.jsonBytes.hint)")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ResultError(file: path, message: "cannot read this file")
        }
        return try parse(data, file: path)
    }

    public static func parse(_ data: Data, file: String) throws -> ResultDocument {
        let root = try JSONNode.parse(data, file: file)
        guard root.object != nil else { throw ResultError(file: file, message: "expected a JSON object with \"schema\": \"\(schema)\"") }
        guard let found = root["schema"]?.string else {
            throw ResultError(file: file, message: "not a Placer result: no \"schema\" field (expected \(schema))")
        }
        guard found == schema else {
            throw ResultError(file: file, message: "schema '\(found)' is not supported; this Placer reads \(schema)")
        }
        let targets = try root.list("targets", in: file).map { try TargetResult($0, file: file) }
        // Renderers index targets by id: a second one with the same id is a broken document.
        var ids = Set<String>()
        for (index, target) in targets.enumerated() where !ids.insert(target.id).inserted {
            throw ResultError(file: file, message: "targets[\(index)].id: '\(target.id)' appears twice")
        }
        return ResultDocument(
            file: file,
            seed: try root.string("seed", in: file),
            arrivals: try root.string("arrivals", in: file),
            spanMinutes: try root.int("spanMinutes", in: file),
            days: try root.number("days", in: file),
            notes: try root.list("notes", in: file).compactMap(\.string),
            targets: targets,
            root: root)
    }

    /// A top-level section other than the simulation's own (nil when absent or null).
    public func section(_ name: String) -> JSONNode? {
        guard let node = root[name], !node.isNull else { return nil }
        return node
    }

    public func target(_ id: String) -> TargetResult? { targets.first { $0.id == id } }
}

/// Monthly cost, USD (or a function's share of it).
public struct CostFigures: Sendable, Equatable {
    public var total: Decimal
    public var compute: Decimal
    public var requests: Decimal
    public var initialization: Decimal
    public var provisioned: Decimal
    public var freeGrantCredit: Decimal

    init(_ node: JSONNode, file: String) throws {
        func money(_ key: String) throws -> Decimal {
            let n = try node.required(key, in: file)
            guard let d = n.decimal else { throw ResultError(file: file, message: "\(n.path): expected an amount") }
            return d
        }
        total = try money("total")
        compute = try money("compute")
        requests = try money("requests")
        initialization = try money("init")
        provisioned = try money("provisioned")
        freeGrantCredit = try money("freeGrantCredit")
    }
}

/// The figures a target's total and each function's line share.
public struct OutcomeFigures: Sendable, Equatable {
    public var invocations: Int
    public var coldStarts: Int
    public var throttled: Int
    public var rejected: Int
    public var delayed: Int
    /// Served calls cut at the timeout (0 in results written before the field existed).
    public var timedOut: Int
    public var p50Ms: Double
    public var p95Ms: Double
    public var p99Ms: Double
    public var peakInstances: Int
    public var instanceSeconds: Double
    public var memoryGBSeconds: Double
    public var billedGBSeconds: Double
    /// Nil on-prem: the cost there is the cluster's.
    public var monthlyCost: CostFigures?

    /// Cold starts per invocation.
    public var coldStartRate: Double { invocations > 0 ? Double(coldStarts) / Double(invocations) : 0 }

    init(_ node: JSONNode, file: String) throws {
        invocations = try node.int("invocations", in: file)
        coldStarts = try node.int("coldStarts", in: file)
        throttled = try node.int("throttled", in: file)
        rejected = try node.int("rejected", in: file)
        delayed = try node.int("delayed", in: file)
        timedOut = node["timedOut"] == nil ? 0 : try node.int("timedOut", in: file)
        let latency = try node.required("latencyMs", in: file)
        p50Ms = try latency.number("p50", in: file)
        p95Ms = try latency.number("p95", in: file)
        p99Ms = try latency.number("p99", in: file)
        peakInstances = try node.int("peakInstances", in: file)
        instanceSeconds = try node.number("instanceSeconds", in: file)
        memoryGBSeconds = try node.number("memoryGBSeconds", in: file)
        billedGBSeconds = try node.number("billedGBSeconds", in: file)
        if let cost = node["monthlyCost"], !cost.isNull { monthlyCost = try CostFigures(cost, file: file) } else { monthlyCost = nil }
    }
}

public struct FunctionResult: Sendable {
    public var app: String
    public var function: String
    public var scalingUnit: String
    public var memoryMB: Double
    public var figures: OutcomeFigures

    /// `app/function`: how placement and reports name a function.
    public var id: String { "\(app)/\(function)" }
}

public struct TargetResult: Sendable {
    public var id: String
    public var scalingUnit: String
    public var keepAlive: String
    public var figures: OutcomeFigures
    public var notes: [String]
    /// Mean instances alive in each minute, and the memory they hold (MB).
    public var instancesPerMinute: [Double]
    public var memoryMBPerMinute: [Double]
    public var functions: [FunctionResult]
    /// The target's JSON, for fields not typed here.
    public var node: JSONNode

    /// Cloud targets carry a bill; on-prem targets do not.
    public var isCloud: Bool { figures.monthlyCost != nil }

    init(_ node: JSONNode, file: String) throws {
        id = try node.string("id", in: file)
        scalingUnit = try node.string("scalingUnit", in: file)
        keepAlive = try node.string("keepAlive", in: file)
        figures = try OutcomeFigures(node, file: file)
        notes = (node["notes"]?.array ?? []).compactMap(\.string)
        let series = try node.required("series", in: file)
        instancesPerMinute = try series.list("instances", in: file).map { item in
            guard let n = item.double else { throw ResultError(file: file, message: "\(item.path): expected a number") }
            return n
        }
        memoryMBPerMinute = try series.list("memoryMB", in: file).map { item in
            guard let n = item.double else { throw ResultError(file: file, message: "\(item.path): expected a number") }
            return n
        }
        functions = try node.list("functions", in: file).map { f in
            FunctionResult(app: try f.string("app", in: file), function: try f.string("function", in: file),
                           scalingUnit: try f.string("scalingUnit", in: file), memoryMB: try f.number("memoryMB", in: file),
                           figures: try OutcomeFigures(f, file: file))
        }
        self.node = node
    }
}
