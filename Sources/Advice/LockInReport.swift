import Deployment
import Foundation
import Pricing

/// A problem the user should see: `error` for input Placer cannot honour (an unknown word, a
/// region nobody offers), `warning` for a finding (a requirement no candidate meets).
public struct Diagnostic: Sendable, Equatable, Codable, CustomStringConvertible {
    public enum Severity: String, Sendable, Codable { case error, warning }
    public var severity: Severity
    /// What it is about: `deployment:functions[2]`, `target:oci-functions`, `functions:phi`.
    public var subject: String
    public var message: String

    public var description: String { "\(severity.rawValue): \(subject): \(message)" }
}

/// A function whose current placement breaks its requirements.
public struct Violation: Sendable, Equatable, Codable {
    public var app: String
    public var function: String
    public var target: String
    public var region: String?
    public var reason: String
    /// True when `target` is the deployment's `target:` pin for the function (not `--current`).
    public var pinned: Bool
}

/// What `Advisor.analyse` needs.
public struct LockInRequest: Sendable {
    public var functions: [FunctionUse]
    /// Targets to judge, in the order to show them.
    public var candidates: [Profile]
    /// Every known profile: the vocabulary of regions and countries, and current targets outside `candidates`.
    public var catalog: Catalog
    public var deployment: Deployment?
    /// Where functions without a `target:` pin run today, if known.
    public var current: String?

    public init(functions: [FunctionUse], candidates: [Profile], catalog: Catalog, deployment: Deployment? = nil, current: String? = nil) {
        self.functions = functions
        self.candidates = candidates
        self.catalog = catalog
        self.deployment = deployment
        self.current = current
    }
}

/// The lock-in and compliance result, `placer.lockin/v1` (documented in `docs/lockin.md`).
public struct LockInReport: Sendable, Equatable, Codable {
    public static let schemaVersion = "placer.lockin/v1"

    public struct Target: Sendable, Equatable, Codable {
        public var id: String
        public var kind: String
        public var handler: String?
        public var packaging: [String]
        /// Lock-in and compliance sources of confidence `assumed`.
        public var assumedSources: [String]
    }

    /// Functions that share trigger and bindings share their lock-in breakdown.
    public struct Usage: Sendable, Equatable, Codable {
        public var usage: String
        public var trigger: String?
        public var bindings: [String]
        public var functions: Int
        public var invocations: Double
        public var scores: [LockInScore]
    }

    public struct Function: Sendable, Equatable, Codable {
        public var app: String
        public var function: String
        public var trigger: String?
        public var usage: String
        public var invocations: Double
        public var requirements: Requirements
        public var current: String?
        /// Score per target id.
        public var lockIn: [String: Int]
        /// One verdict per candidate, in target order.
        public var compliance: [Verdict]
        /// The verdict on the function's `target:` pin, whether or not it is a candidate; nil
        /// when the deployment pins it nowhere (`Advisor.pinVerdict`).
        public var pin: Verdict?
    }

    public var schema = LockInReport.schemaVersion
    public var targets: [Target]
    public var usages: [Usage]
    public var functions: [Function]
    /// From each current target to every other candidate.
    public var migrations: [MigrationSummary]
    public var violations: [Violation]
    public var diagnostics: [Diagnostic]

    /// True when any diagnostic is an error.
    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }

    /// The verdict on the `target:` pin of `function` in `app`; nil when it is not pinned (or not in the report).
    public func pinVerdict(app: String, function: String) -> Verdict? {
        functions.first { $0.app == app && $0.function == function }?.pin
    }

    /// Stable JSON: sorted keys, pretty printed, arrays in the report's own order.
    public func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(self), let text = String(data: data, encoding: .utf8) else { return "{}\n" }
        return text + "\n"
    }
}

/// Lock-in scores, migration estimates, compliance verdicts and violations for a set of functions.
public enum Advisor {
    public static func analyse(_ request: LockInRequest) -> LockInReport {
        var diagnostics = validate(request)
        let site = request.deployment?.site ?? OnPremSite()
        let candidates = request.candidates

        // Functions with their deployment settings.
        let resolved: [(use: FunctionUse, settings: FunctionSettings)] = request.functions.map { f in
            let settings = request.deployment?.settings(function: f.function, app: f.app) ?? FunctionSettings()
            var use = f
            if !settings.bindings.isEmpty { use.bindings = Array(Set(f.bindings + settings.bindings)).sorted() }
            return (use, settings)
        }

        // Scores depend only on usage and target.
        var scoreCache: [String: [String: LockInScore]] = [:]
        func scores(_ use: FunctionUse) -> [String: LockInScore] {
            if let cached = scoreCache[use.usage] { return cached }
            var byTarget: [String: LockInScore] = [:]
            for p in candidates { byTarget[p.id] = LockInModel.score(use, on: p) }
            scoreCache[use.usage] = byTarget
            return byTarget
        }
        struct VerdictKey: Hashable { var requirements: Requirements; var lockIn: Int?; var target: String }
        var verdictCache: [VerdictKey: Verdict] = [:]
        func verdict(_ req: Requirements, _ use: FunctionUse, _ p: Profile) -> Verdict {
            let lockIn = req.maxLockIn == nil ? nil : LockInModel.score(use, on: p)?.score
            let key = VerdictKey(requirements: req, lockIn: lockIn, target: p.id)
            if let cached = verdictCache[key] { return cached }
            let v = ComplianceModel.verdict(req, on: p, site: site, lockIn: lockIn)
            verdictCache[key] = v
            return v
        }

        var functions: [LockInReport.Function] = []
        var violations: [Violation] = []
        var unplaceable: [String: (req: Requirements, count: Int, verdicts: [Verdict])] = [:]
        for (use, settings) in resolved {
            let req = Requirements(settings)
            let byTarget = scores(use)
            let verdicts = candidates.map { verdict(req, use, $0) }
            let current = settings.target ?? request.current
            let currentVerdict = current.flatMap { id in request.catalog.profiles[id].map { verdict(req, use, $0) } }
            // A pin is judged like any candidate; one the catalog lacks is an error of its own (validate).
            let pin = settings.target.map { id in currentVerdict ?? unknownPin(id) }
            functions.append(LockInReport.Function(
                app: use.app, function: use.function, trigger: use.trigger, usage: use.usage, invocations: use.invocations,
                requirements: req, current: current, lockIn: byTarget.mapValues(\.score), compliance: verdicts, pin: pin))
            if !candidates.isEmpty, !verdicts.contains(where: \.allowed) {
                let key = req.summary
                unplaceable[key, default: (req, 0, verdicts)].count += 1
            }
            if let current, let profile = request.catalog.profiles[current], let v = currentVerdict,
               let violation = violation(use, settings: settings, on: profile, verdict: v, site: site, diagnostics: &diagnostics) {
                violations.append(violation)
            }
        }
        for (key, entry) in unplaceable.sorted(by: { $0.key < $1.key }) {
            let why = entry.verdicts.map { "\($0.target): \($0.reason)" }.joined(separator: "; ")
            diagnostics.append(Diagnostic(severity: .warning, subject: "requirements '\(key)'",
                                          message: "\(entry.count) function\(entry.count == 1 ? "" : "s") may run on no candidate target — \(why)"))
        }

        // Usages, in a stable order: most functions first.
        var usageRows: [String: LockInReport.Usage] = [:]
        for (use, _) in resolved {
            let byTarget = scores(use)
            usageRows[use.usage, default: LockInReport.Usage(
                usage: use.usage, trigger: use.trigger, bindings: use.bindings, functions: 0, invocations: 0,
                scores: candidates.compactMap { byTarget[$0.id] })].functions += 1
            usageRows[use.usage]?.invocations += use.invocations
        }
        let usages = usageRows.values.sorted { ($1.functions, $0.usage) < ($0.functions, $1.usage) }

        // Migrations from each current target to every other candidate.
        var migrations: [MigrationSummary] = []
        let currents = Set(functions.compactMap(\.current)).sorted()
        for from in currents {
            guard let source = request.catalog.profiles[from] else { continue }
            let moving = resolved.filter { ($0.settings.target ?? request.current) == from }.map(\.use)
            for destination in candidates where destination.id != from {
                let estimates = moving.compactMap { MigrationModel.estimate($0, from: source, to: destination) }
                if estimates.count == moving.count {
                    migrations.append(MigrationSummary(from: from, to: destination.id, estimates: estimates))
                }
            }
        }

        let targets = candidates.map { p in
            LockInReport.Target(
                id: p.id, kind: p.kind.rawValue,
                handler: p.lockIn.map { "\($0.handler.api.rawValue) (\($0.handler.family))" },
                packaging: p.lockIn?.packaging.map(\.rawValue) ?? [],
                assumedSources: assumedSources(p))
        }
        return LockInReport(targets: targets, usages: usages, functions: functions, migrations: migrations,
                            violations: violations, diagnostics: diagnostics)
    }

    /// Sources of a profile's lock-in and compliance attributes whose confidence is `assumed`.
    public static func assumedSources(_ p: Profile) -> [String] {
        var names: Set<String> = []
        if let l = p.lockIn {
            names.formUnion([l.handler.source, l.packagingSource, l.runtime.source] + l.triggers.values.map(\.source))
            if let s = l.importsSource { names.insert(s) }
        }
        if let c = p.compliance {
            names.insert(c.regionsSource)
            names.formUnion(c.certifications.map(\.source))
        }
        return names.filter { p.sources[$0]?.confidence == .assumed }.sorted()
    }

    /// Words Placer does not know, regions nobody offers, targets without data.
    static func validate(_ request: LockInRequest) -> [Diagnostic] {
        var out: [Diagnostic] = []
        // Every region, country and area any known target (or the on-prem site) offers.
        var known = Set(ComplianceVocabulary.areas.keys)
        var offeredByCandidates: Set<String> = []
        for p in request.catalog.profiles.values {
            for (region, country) in p.compliance?.regions ?? [:] {
                let tokens = ComplianceVocabulary.tokens(region: region, country: country)
                known.formUnion(tokens)
                if request.candidates.contains(where: { $0.id == p.id }) { offeredByCandidates.formUnion(tokens) }
            }
        }
        let site = request.deployment?.site ?? OnPremSite()
        for entry in site.regions {
            let tokens = Place.site(entry).tokens
            known.formUnion(tokens)
            if request.candidates.contains(where: { $0.kind == .onprem }) { offeredByCandidates.formUnion(tokens) }
        }
        var settings: [(String, FunctionSettings)] = []
        if let d = request.deployment {
            settings.append(("\(d.file): defaults/requirements", d.defaults))
            settings += d.rules.enumerated().map { ("\(d.file): functions[\($0)] (match '\($1.match)')", $1.settings) }
        }
        for (subject, s) in settings {
            let tokens = s.regionConstraints.joined()
            for token in tokens where !known.contains(token) {
                out.append(Diagnostic(severity: .error, subject: subject,
                                      message: "region '\(token)' is not a region, country or area that any target offers (areas: \(ComplianceVocabulary.areas.keys.sorted().joined(separator: ", ")); or a region id such as eu-west-1)"))
            }
            for token in tokens where known.contains(token) && !offeredByCandidates.contains(token) {
                out.append(Diagnostic(severity: .warning, subject: subject, message: "no candidate target offers a region in '\(token)'"))
            }
            for word in s.dataClasses where ComplianceVocabulary.dataClasses[word] == nil {
                out.append(Diagnostic(severity: .error, subject: subject, message: "unknown data class '\(word)'; known: \(ComplianceVocabulary.dataClasses.keys.sorted().joined(separator: ", "))"))
            }
            for word in s.certifications where ComplianceVocabulary.certifications[word] == nil {
                out.append(Diagnostic(severity: .error, subject: subject, message: "unknown certification '\(word)'; known: \(ComplianceVocabulary.certifications.keys.sorted().joined(separator: ", "))"))
            }
            if let pin = s.target, request.catalog.profiles[pin] == nil {
                out.append(Diagnostic(severity: .error, subject: subject, message: "target '\(pin)' is not in the catalog"))
            }
        }
        if let current = request.current, request.catalog.profiles[current] == nil {
            out.append(Diagnostic(severity: .error, subject: "current target", message: "'\(current)' is not in the catalog (known: \(request.catalog.ids.joined(separator: ", ")))"))
        }
        for p in request.candidates {
            if p.lockIn == nil {
                out.append(Diagnostic(severity: .warning, subject: "target:\(p.id)", message: "no lock-in attributes (lockIn:): not scored"))
            }
            if p.kind == .cloud, p.compliance == nil {
                out.append(Diagnostic(severity: .warning, subject: "target:\(p.id)", message: "no compliance attributes: never allowed for a function with requirements"))
            }
        }
        if request.candidates.contains(where: { $0.kind == .onprem }), request.deployment != nil, site.certifications.isEmpty, site.regions.isEmpty {
            let demanding = request.functions.contains { f in !Requirements(request.deployment?.settings(function: f.function, app: f.app) ?? FunctionSettings()).isEmpty }
            if demanding {
                out.append(Diagnostic(severity: .warning, subject: "onprem", message: "the deployment declares no onprem.certifications or onprem.regions: on-prem targets meet no certification or region requirement"))
            }
        }
        let unknownTriggers = Set(request.functions.compactMap(\.trigger)).subtracting(LockIn.triggerGroups).sorted()
        for t in unknownTriggers {
            out.append(Diagnostic(severity: .warning, subject: "trace", message: "unknown trigger '\(t)': its lock-in counts handler and runtime only"))
        }
        let untriggered = request.functions.filter { $0.trigger == nil }.count
        if untriggered > 0 {
            out.append(Diagnostic(severity: .warning, subject: "trace", message: "\(untriggered) function\(untriggered == 1 ? " has" : "s have") no trigger in the trace: lock-in counts handler, declared bindings and runtime only (declare bindings: in the deployment)"))
        }
        return out
    }
}
