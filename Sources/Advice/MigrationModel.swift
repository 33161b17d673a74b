import Pricing

/// One piece of work a move needs.
public struct MigrationStep: Sendable, Equatable, Codable {
    /// `rewrite-handler`, `adapt-handler`, `replace-trigger`, `build-trigger`, `replace-orchestration`,
    /// `replace-binding`, `repackage`, `redeploy`.
    public var kind: String
    public var points: Int
    /// Independent of the function, so summaries can count functions per reason.
    public var reason: String
}

/// The work to move one function from one target to another, in effort points.
public struct MigrationEstimate: Sendable, Equatable, Codable {
    public var from: String
    public var to: String
    public var points: Int
    public var steps: [MigrationStep]
}

/// Effort points per step, Placer's judgement (`docs/lockin.md`): about one point per
/// developer-day for a small function. Estimates are symmetric only when the two targets'
/// contracts are: moving onto a target that imports or adapts the source's contract is cheaper
/// than the way back. Building what a destination lacks always costs more than moving onto
/// another provider's service (`buildTrigger` > `replaceTrigger` and so on): the team writes it
/// and then runs it.
public enum MigrationModel {
    public static let rewriteHandler = 5
    public static let wrapInHTTP = 3
    public static let adapter = 1
    public static let replaceTrigger = 3
    public static let buildTrigger = 5
    public static let replaceOrchestration = 8
    public static let buildOrchestration = 13
    public static let replaceBinding = 2
    public static let buildBinding = 3
    public static let repackage = 2
    /// Every move to another target: deploy there (configuration, permissions, trigger wiring,
    /// monitoring) and test it, as a region move does in place.
    public static let redeploy = 1

    static func portable(_ api: LockIn.HandlerAPI) -> Bool { api == .http || api == .cloudevents }

    /// The steps to move `function` from `source` to `destination`; nil when either lacks lock-in data.
    public static func estimate(_ function: FunctionUse, from source: Profile, to destination: Profile) -> MigrationEstimate? {
        guard let a = source.lockIn, let b = destination.lockIn else { return nil }
        var steps: [MigrationStep] = []
        // Handler contract.
        let ha = a.handler, hb = b.handler
        if ha.family == hb.family {
            // Same contract (e.g. Fn and OCI Functions, Lambda x86 and arm64): nothing to do.
        } else if b.importsFrom.contains(source.id) {
            steps.append(MigrationStep(kind: "adapt-handler", points: adapter, reason: "\(destination.id) imports \(source.id) functions"))
        } else if portable(ha.api), portable(hb.api) {
            // Both run an HTTP server in an image.
        } else if portable(ha.api), hb.accepts.contains(where: portable) {
            // A CloudEvents or HTTP image is an HTTP server: the destination's adapter runs it.
            steps.append(MigrationStep(kind: "adapt-handler", points: adapter, reason: "run the HTTP image through \(destination.id)'s adapter"))
        } else if portable(hb.api) || hb.accepts.contains(.http) {
            steps.append(MigrationStep(kind: "adapt-handler", points: wrapInHTTP, reason: "wrap the \(ha.family) handler in an HTTP server"))
        } else {
            steps.append(MigrationStep(kind: "rewrite-handler", points: rewriteHandler, reason: "rewrite the handler from \(ha.family) to \(hb.family)"))
        }
        // Trigger (orchestration is counted once, below).
        if let group = function.trigger, group != "orchestration", let ta = a.triggers[group], let tb = b.triggers[group] {
            if let step = triggerStep(group, ta, tb, destination: destination.id, replace: replaceTrigger, build: buildTrigger, kinds: ("replace-trigger", "build-trigger")) {
                steps.append(step)
            }
        }
        if function.usesOrchestration, let oa = a.triggers["orchestration"], let ob = b.triggers["orchestration"] {
            let from = oa.service ?? "the platform's"
            if oa == ob || oa.kind == .none {
                // Same service on both sides, or the workflow is the team's own code and moves with it.
            } else if ob.kind == .none {
                steps.append(MigrationStep(kind: "replace-orchestration", points: buildOrchestration,
                                           reason: "rewrite \(from) orchestration: \(destination.id) has none (adopt and run your own engine)"))
            } else {
                steps.append(MigrationStep(kind: "replace-orchestration", points: replaceOrchestration,
                                           reason: "rewrite \(from) orchestration as \(ob.service ?? "the platform's orchestration")"))
            }
        }
        for group in Set(function.bindings).subtracting([function.trigger ?? "", "orchestration"]).sorted() {
            if let ta = a.triggers[group], let tb = b.triggers[group],
               let step = triggerStep(group, ta, tb, destination: destination.id, replace: replaceBinding, build: buildBinding, kinds: ("replace-binding", "replace-binding")) {
                steps.append(step)
            }
        }
        // Packaging: the function ships in the source's default format.
        if let format = a.packaging.first, !b.packaging.contains(format), let target = b.packaging.first {
            let name = target == .image ? "an OCI image" : target == .zip ? "a zip package" : "a source deploy"
            steps.append(MigrationStep(kind: "repackage", points: repackage, reason: "repackage from \(format.rawValue) as \(name)"))
        }
        // Whatever else it needs, a function on a new target is deployed, configured and tested
        // there: a move never costs nothing (Lambda x86 to arm64, Consumption to Flex).
        if source.id != destination.id {
            steps.append(MigrationStep(kind: "redeploy", points: redeploy, reason: "deploy, configure and test on \(destination.id)"))
        }
        return MigrationEstimate(from: source.id, to: destination.id, points: steps.reduce(0) { $0 + $1.points }, steps: steps)
    }

    private static func triggerStep(_ group: String, _ ta: LockIn.Trigger, _ tb: LockIn.Trigger, destination: String,
                                     replace: Int, build: Int, kinds: (String, String)) -> MigrationStep? {
        // Same service, or glue the team already owns (it moves with the function).
        if ta.kind == tb.kind && ta.service == tb.service || ta.kind == .none { return nil }
        if tb.kind == .none {
            return MigrationStep(kind: kinds.1, points: build, reason: "\(destination) has no \(group) trigger: build and run a bridge from \(ta.service ?? group)")
        }
        if ta.kind == .portable, tb.kind == .portable { return nil }
        return MigrationStep(kind: kinds.0, points: replace,
                             reason: "replace \(ta.service ?? "the \(group) trigger") with \(tb.service ?? "a standard \(group) endpoint")")
    }
}

/// Many functions moving from one target to another: total points and how many functions need each step.
public struct MigrationSummary: Sendable, Equatable, Codable {
    public struct Step: Sendable, Equatable, Codable {
        public var kind: String
        public var reason: String
        public var functions: Int
        public var points: Int
    }

    public var from: String
    public var to: String
    public var functions: Int
    public var points: Int
    /// Most points first, then by reason.
    public var steps: [Step]

    /// Sums `estimates` (all from `from` to `to`).
    public init(from: String, to: String, estimates: [MigrationEstimate]) {
        self.from = from
        self.to = to
        functions = estimates.count
        points = estimates.reduce(0) { $0 + $1.points }
        var grouped: [String: Step] = [:]
        for step in estimates.flatMap(\.steps) {
            grouped[step.kind + "\u{1}" + step.reason, default: Step(kind: step.kind, reason: step.reason, functions: 0, points: 0)].functions += 1
            grouped[step.kind + "\u{1}" + step.reason]?.points += step.points
        }
        steps = grouped.values.sorted { ($1.points, $0.reason) < ($0.points, $1.reason) }
    }
}
