import Foundation
import InputLimits
import Pricing

/// A team's deployment file (`placer.yaml`): candidate targets with overrides, per-function rules,
/// requirements and the on-prem environment. Two versions of it are what a CI job compares.
///
/// Unknown keys are errors naming file and line, so a typo never passes silently.
public struct Deployment: Sendable {
    /// The file it was read from (for messages).
    public var file: String
    /// Candidate targets, each with optional profile overrides and a discount.
    public var targets: [TargetSelection]
    /// Settings for every function unless a rule says otherwise.
    public var defaults: FunctionSettings
    /// Per-function rules: the first whose `match` fits a function wins over the defaults for its
    /// settings; the requirements of every rule that fits add to the global ones.
    public var rules: [FunctionRule]
    /// The `onprem:` section, kept as YAML for the on-prem cost model to read.
    public var onprem: YAMLTree?
    /// What the team declares for its own data centre (`onprem.certifications`, `onprem.regions`).
    public var site: OnPremSite
    /// The whole document, for sections read elsewhere.
    public var document: YAMLTree

    static let topLevelKeys = ["targets", "defaults", "functions", "requirements", "onprem"]

    /// Reads and validates a deployment file.
    public static func load(path: String) throws -> Deployment {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DeploymentError(file: path, line: nil, message: "cannot read this file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw DeploymentError(file: path, line: nil, message: "not UTF-8 text")
        }
        return try parse(text, file: path)
    }

    /// Parses deployment YAML; `file` names it in errors.
    public static func parse(_ text: String, file: String) throws -> Deployment {
        let document: YAMLTree
        do { document = try YAMLTree.parse(text) } catch {
            throw DeploymentError(file: file, line: nil, message: "not valid YAML: \(error)")
        }
        guard case .mapping(let pairs, _) = document else {
            throw DeploymentError(file: file, line: document.line, message: "expected a mapping with \(topLevelKeys.joined(separator: ", "))")
        }
        for (key, value) in pairs where !topLevelKeys.contains(key) {
            throw DeploymentError(file: file, line: value.line, message: "unknown key '\(key)'; expected \(topLevelKeys.joined(separator: ", "))")
        }
        let targets: [TargetSelection]
        do { targets = try TargetSelection.list(in: document, file: file) } catch {
            throw DeploymentError(file: file, line: nil, message: "\(error)")
        }
        var defaults = FunctionSettings()
        if let requirements = document["requirements"] {
            defaults = try FunctionSettings.read(requirements, file: file, context: "requirements", allowed: FunctionSettings.requirementKeys)
        }
        if let node = document["defaults"] {
            defaults = defaults.overridden(by: try FunctionSettings.read(node, file: file, context: "defaults", allowed: FunctionSettings.keys))
        }
        var rules: [FunctionRule] = []
        if let node = document["functions"] {
            guard case .sequence(let items, _) = node else {
                throw DeploymentError(file: file, line: node.line, message: "functions: expected a list of rules")
            }
            for (index, item) in items.enumerated() {
                guard case .scalar(let pattern, _)? = item["match"] else {
                    throw DeploymentError(file: file, line: item.line, message: "functions[\(index)]: a rule needs 'match' (a glob on the function or app/function)")
                }
                let settings = try FunctionSettings.read(item, file: file, context: "functions[\(index)]", allowed: FunctionSettings.keys + ["match", "resource"])
                rules.append(FunctionRule(match: pattern, settings: settings))
            }
        }
        let site = try document["onprem"].map { try OnPremSite.read($0, file: file) } ?? OnPremSite()
        return Deployment(file: file, targets: targets, defaults: defaults, rules: rules, onprem: document["onprem"], site: site, document: document)
    }

    /// The settings of one function: the defaults overridden by the first rule whose glob matches
    /// the function's name or `app/function`; its requirements are those of `requirements:`,
    /// `defaults:` and every matching rule together, the stricter winning where they conflict
    /// (`FunctionSettings.requiring`).
    public func settings(function: String, app: String? = nil) -> FunctionSettings {
        let qualified = app.map { "\($0)/\(function)" }
        let matching = rules.filter { rule in
            Glob.matches(rule.match, function) || (qualified.map { Glob.matches(rule.match, $0) } ?? false)
        }
        guard let first = matching.first else {
            return defaults
        }
        // A later rule cannot loosen what an earlier one, or the global section, demands: a
        // requirement stated for a set of functions holds for each of them.
        return matching.dropFirst().reduce(defaults.overridden(by: first.settings)) { $0.requiring($1.settings) }
    }
}

/// The team's own data centre, as declared in `onprem:`: the certifications it holds and where
/// it is. Every on-prem target inherits these; the other `onprem:` keys belong to the cost model.
public struct OnPremSite: Sendable, Equatable {
    /// Certification ids (`ComplianceVocabulary.certifications`).
    public var certifications: [String] = []
    /// Country codes, areas or site names where the data centre is (e.g. `de`).
    public var regions: [String] = []

    public init(certifications: [String] = [], regions: [String] = []) {
        self.certifications = certifications
        self.regions = regions
    }

    static func read(_ node: YAMLTree, file: String) throws -> OnPremSite {
        guard case .mapping = node else {
            throw DeploymentError(file: file, line: node.line, message: "onprem: expected a mapping")
        }
        var site = OnPremSite()
        if let c = node["certifications"] {
            site.certifications = try FunctionSettings.vocabulary(c, file: file, path: "onprem.certifications",
                                                                  known: ComplianceVocabulary.certifications.keys.sorted(), what: "certification")
        }
        if let r = node["regions"] {
            site.regions = try FunctionSettings.list(r, file: file, path: "onprem.regions")
        }
        return site
    }
}

/// One `functions:` rule.
public struct FunctionRule: Sendable, Equatable {
    /// A glob (`*`, `?`) on the function's name or on `app/function`.
    public var match: String
    public var settings: FunctionSettings
}

/// What a deployment says about a function; nil or empty means "not said".
public struct FunctionSettings: Sendable, Equatable {
    /// Configured memory.
    public var memoryMB: Double?
    public var runtime: String?
    /// Where the function runs today (a provider region or an on-prem site).
    public var region: String?
    /// Classes of data the function handles, e.g. `phi`, `pci`, `eu-personal`.
    public var dataClasses: [String] = []
    /// Certifications a target must hold to run it, e.g. `hipaa`, `pci-dss`, `fedramp-moderate`.
    public var certifications: [String] = []
    /// Where it may run, one list per section or rule that states `regions:` (e.g. `[eu]` and
    /// `[de, us-east-1]`): any token of a list will do, and every list must hold, so the places
    /// allowed are the intersection. Empty means anywhere.
    public var regionConstraints: [[String]] = []
    /// True when it must stay on-prem.
    public var onPremOnly: Bool?
    /// A target the user pins it to.
    public var target: String?
    /// Latency objective on p99, ms.
    public var p99LatencyMs: Double?
    /// Highest lock-in score (0–100) acceptable.
    public var maxLockIn: Double?
    /// Trigger groups the function also uses as input/output bindings (`queue`, `storage`,
    /// `orchestration` …), beyond the trigger the trace records; they count towards lock-in.
    public var bindings: [String] = []
    /// The function's infrastructure-as-code address, e.g. `aws_lambda_function.checkout`
    /// (`placer export infracost-usage`); only in `functions:` rules.
    public var resource: String?
    /// Longest an invocation may run, seconds (`timeout: 30s`, or a number of seconds); a target
    /// never allows more than its own limit.
    public var timeoutSeconds: Double?
    /// Instances kept warm for the whole window on every target (provisioned concurrency,
    /// always ready, min instances).
    public var provisioned: Int?
    /// Ephemeral storage (`/tmp`) configured, MB; what a target bills above its included amount
    /// (Lambda: 512 MB) is billed per GB-s of duration.
    public var ephemeralStorageMB: Double?

    public init() {}

    static let keys = ["memoryMB", "runtime", "region", "dataClasses", "certifications", "regions", "onPremOnly",
                       "target", "p99LatencyMs", "maxLockIn", "bindings", "timeout", "provisioned", "ephemeralStorageMB"]
    static let requirementKeys = ["dataClasses", "certifications", "regions", "onPremOnly", "p99LatencyMs", "maxLockIn"]

    /// These settings with every setting `other` states taking precedence, and the requirements
    /// of both together (`requiring`).
    public func overridden(by other: FunctionSettings) -> FunctionSettings {
        var merged = requiring(other)
        merged.memoryMB = other.memoryMB ?? memoryMB
        merged.runtime = other.runtime ?? runtime
        merged.region = other.region ?? region
        merged.target = other.target ?? target
        if !other.bindings.isEmpty { merged.bindings = other.bindings }
        merged.resource = other.resource ?? resource
        merged.timeoutSeconds = other.timeoutSeconds ?? timeoutSeconds
        merged.provisioned = other.provisioned ?? provisioned
        merged.ephemeralStorageMB = other.ephemeralStorageMB ?? ephemeralStorageMB
        return merged
    }

    static func read(_ node: YAMLTree, file: String, context: String, allowed: [String]) throws -> FunctionSettings {
        guard case .mapping(let pairs, _) = node else {
            throw DeploymentError(file: file, line: node.line, message: "\(context): expected a mapping")
        }
        var s = FunctionSettings()
        for (key, value) in pairs {
            let path = "\(context).\(key)"
            guard allowed.contains(key) else {
                throw DeploymentError(file: file, line: value.line, message: "\(context): unknown key '\(key)'; expected \(allowed.joined(separator: ", "))")
            }
            switch key {
            case "match": continue
            case "memoryMB": s.memoryMB = try number(value, file: file, path: path, range: 1...1_048_576)
            case "p99LatencyMs": s.p99LatencyMs = try number(value, file: file, path: path, range: 0...86_400_000)
            case "maxLockIn": s.maxLockIn = try number(value, file: file, path: path, range: 0...100)
            case "timeout": s.timeoutSeconds = try seconds(value, file: file, path: path)
            case "provisioned": s.provisioned = Int(try number(value, file: file, path: path, range: 0...100_000).rounded(.up))
            case "ephemeralStorageMB": s.ephemeralStorageMB = try number(value, file: file, path: path, range: 1...1_048_576)
            case "runtime": s.runtime = try text(value, file: file, path: path)
            case "region": s.region = try text(value, file: file, path: path)
            case "target": s.target = try text(value, file: file, path: path)
            case "resource": s.resource = try text(value, file: file, path: path)
            case "dataClasses":
                s.dataClasses = try vocabulary(value, file: file, path: path, known: ComplianceVocabulary.dataClasses.keys.sorted(), what: "data class")
            case "certifications":
                s.certifications = try vocabulary(value, file: file, path: path, known: ComplianceVocabulary.certifications.keys.sorted(), what: "certification")
            case "bindings":
                s.bindings = try vocabulary(value, file: file, path: path, known: LockIn.triggerGroups, what: "binding")
            case "regions":
                let tokens = try list(value, file: file, path: path)
                s.regionConstraints = tokens.isEmpty ? [] : [tokens]
            case "onPremOnly":
                let flag = try text(value, file: file, path: path)
                guard let bool = ["true": true, "yes": true, "false": false, "no": false][flag.lowercased()] else {
                    throw DeploymentError(file: file, line: value.line, message: "\(path): expected true or false, found '\(flag)'")
                }
                s.onPremOnly = bool
            default: break
            }
        }
        return s
    }

    private static func text(_ node: YAMLTree, file: String, path: String) throws -> String {
        guard case .scalar(let value, _) = node, !value.isEmpty else {
            throw DeploymentError(file: file, line: node.line, message: "\(path): expected a value")
        }
        return value
    }

    /// Seconds from `30`, `30s`, `250ms`, `5m` (or `5min`) or `1h`; more than 0 and at most a day.
    private static func seconds(_ node: YAMLTree, file: String, path: String) throws -> Double {
        let value = try text(node, file: file, path: path).trimmingCharacters(in: .whitespaces)
        let units: [(String, Double)] = [("ms", 0.001), ("min", 60), ("s", 1), ("m", 60), ("h", 3600)]
        var number = value, factor = 1.0
        for (suffix, f) in units where value.hasSuffix(suffix) {
            number = String(value.dropLast(suffix.count)).trimmingCharacters(in: .whitespaces)
            factor = f
            break
        }
        guard let n = Double(number), n.isFinite, n > 0, n * factor <= 86_400 else {
            throw DeploymentError(file: file, line: node.line, message: "\(path): expected a duration such as 30s, 250ms, 5m or 1h (at most a day), found '\(value)'")
        }
        return n * factor
    }

    private static func number(_ node: YAMLTree, file: String, path: String, range: ClosedRange<Double>) throws -> Double {
        let value = try text(node, file: file, path: path)
        guard let number = Double(value), number.isFinite, range.contains(number) else {
            throw DeploymentError(file: file, line: node.line, message: "\(path): expected a number from \(Int(range.lowerBound)) to \(Int(range.upperBound)), found '\(value)'")
        }
        return number
    }

    /// A list whose every word must be in `known`; the error names the word, its line and the choices.
    static func vocabulary(_ node: YAMLTree, file: String, path: String, known: [String], what: String) throws -> [String] {
        let words = try list(node, file: file, path: path)
        for word in words where !known.contains(word) {
            throw DeploymentError(file: file, line: node.line, message: "\(path): unknown \(what) '\(word)'; known: \(known.joined(separator: ", "))")
        }
        return words
    }

    static func list(_ node: YAMLTree, file: String, path: String) throws -> [String] {
        switch node {
        case .scalar(let value, _) where !value.isEmpty: return [value]
        case .sequence(let items, _):
            return try items.map { try text($0, file: file, path: path) }
        default:
            throw DeploymentError(file: file, line: node.line, message: "\(path): expected a list")
        }
    }
}

/// A problem in a deployment file, located by line where known.
public struct DeploymentError: Error, Sendable, CustomStringConvertible {
    public let file: String
    public let line: Int?
    public let message: String

    /// One line, whatever the file's keys and values hold (`OneLine`).
    public var description: String { "\(OneLine.escaped(file))\(line.map { ":\($0)" } ?? ""): \(OneLine.escaped(message))" }
}

/// Shell-style globs: `*` any run of characters, `?` one character; everything else literal.
public enum Glob {
    public static func matches(_ pattern: String, _ text: String) -> Bool {
        let p = Array(pattern), t = Array(text)
        var pi = 0, ti = 0, star = -1, mark = 0
        while ti < t.count {
            if pi < p.count && (p[pi] == "?" || p[pi] == t[ti]) {
                pi += 1; ti += 1
            } else if pi < p.count && p[pi] == "*" {
                star = pi; mark = ti; pi += 1
            } else if star >= 0 {
                pi = star + 1; mark += 1; ti = mark
            } else {
                return false
            }
        }
        while pi < p.count && p[pi] == "*" { pi += 1 }
        return pi == p.count
    }
}
