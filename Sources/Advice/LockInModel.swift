import Deployment
import Pricing

/// One function as lock-in and compliance see it: who it is, what starts it, what else it binds to.
public struct FunctionUse: Sendable, Hashable, Codable {
    public var app: String
    public var function: String
    /// The trigger group the trace records (`LockIn.triggerGroups`); nil when the trace has none.
    public var trigger: String?
    /// Further trigger groups the deployment declares it uses (`bindings:`).
    public var bindings: [String]
    /// Invocations recorded (for weighting summaries).
    public var invocations: Double

    public init(app: String, function: String, trigger: String?, bindings: [String] = [], invocations: Double = 0) {
        self.app = app
        self.function = function
        self.trigger = trigger
        self.bindings = bindings
        self.invocations = invocations
    }

    /// Whether it runs or declares orchestration.
    public var usesOrchestration: Bool { trigger == "orchestration" || bindings.contains("orchestration") }

    /// What the score depends on: trigger plus bindings (functions with the same usage score alike).
    public var usage: String {
        let extra = bindings.filter { $0 != trigger }.sorted()
        return ([trigger ?? "unknown"] + extra).joined(separator: "+")
    }
}

/// One part of a lock-in score.
public struct LockInComponent: Sendable, Equatable, Codable {
    /// `handler`, `trigger`, `orchestration`, `bindings`, `runtime`, `activity`.
    public var name: String
    public var points: Int
    public var max: Int
    public var reason: String
}

/// How locked-in one function is on one target: 0 (walk away freely) to 100, with its parts.
public struct LockInScore: Sendable, Equatable, Codable {
    public var target: String
    public var score: Int
    public var components: [LockInComponent]
}

/// Placer's lock-in model: six weighted parts that sum to at most 100.
///
/// The weights are Placer's judgement, documented in `docs/lockin.md`; every input is a profile
/// attribute with its source. A part is `weight × factor`, the factor read from the attribute:
/// handler proprietary 1, platform 0.6, http/cloudevents 0; a trigger served natively 1, not
/// served at all 1, by an open-source platform service 0.4, portably 0.
public enum LockInModel {
    public static let handlerWeight = 25
    public static let triggerWeight = 25
    public static let orchestrationWeight = 20
    public static let bindingsWeight = 10
    public static let runtimeWeight = 15
    public static let activityWeight = 5

    static func factor(_ api: LockIn.HandlerAPI) -> Double {
        switch api {
        case .proprietary: 1
        case .platform: 0.6
        case .http, .cloudevents: 0
        }
    }

    static func factor(_ binding: LockIn.Binding) -> Double {
        switch binding {
        case .native: 1
        // A capability the target lacks is never less lock-in than a provider's own service: the
        // team adopts or builds a replacement, is tied to it as to that service, and runs it too
        // (which the migration estimate counts). The full weight is the most a part can score.
        case .none: 1
        case .open: 0.4
        case .portable: 0
        }
    }

    static func points(_ weight: Int, _ factor: Double) -> Int { Int((Double(weight) * factor).rounded()) }

    static func describe(_ group: String, _ t: LockIn.Trigger) -> String {
        switch t.kind {
        case .native: "\(group) through \(t.service ?? "a native service") (provider-specific)"
        case .open: "\(group) through \(t.service ?? "a platform service") (open source, platform-specific)"
        case .portable: "\(group) over a standard protocol"
        case .none: "no \(group) trigger: the team's own replacement, as binding as a provider's service"
        }
    }

    /// The score of `function` on `profile`, or nil when the profile has no lock-in attributes.
    public static func score(_ function: FunctionUse, on profile: Profile) -> LockInScore? {
        guard let lockIn = profile.lockIn else { return nil }
        var parts: [LockInComponent] = []
        let h = lockIn.handler
        parts.append(LockInComponent(name: "handler", points: points(handlerWeight, factor(h.api)), max: handlerWeight,
                                     reason: "\(h.api.rawValue) handler contract (\(h.family))"))
        if let group = function.trigger, let t = lockIn.triggers[group], group != "orchestration" {
            parts.append(LockInComponent(name: "trigger", points: points(triggerWeight, factor(t.kind)), max: triggerWeight,
                                         reason: describe(group, t)))
        } else if function.trigger == "orchestration", let t = lockIn.triggers["orchestration"] {
            // The orchestrator's trigger is part of its programming model: counted in full here,
            // and the workflow logic again under `orchestration`.
            parts.append(LockInComponent(name: "trigger", points: points(triggerWeight, factor(t.kind)), max: triggerWeight,
                                         reason: describe("orchestration", t)))
        } else {
            parts.append(LockInComponent(name: "trigger", points: 0, max: triggerWeight,
                                         reason: function.trigger.map { "unknown trigger '\($0)': not counted" } ?? "trigger not in the trace: not counted"))
        }
        if function.usesOrchestration, let t = lockIn.triggers["orchestration"] {
            parts.append(LockInComponent(name: "orchestration", points: points(orchestrationWeight, factor(t.kind)), max: orchestrationWeight,
                                         reason: t.kind == .none ? "no orchestration service: the team's own engine, as binding as a provider's"
                                                                 : "workflow written for \(t.service ?? "the platform's orchestration")"))
        } else {
            parts.append(LockInComponent(name: "orchestration", points: 0, max: orchestrationWeight, reason: "no orchestration"))
        }
        let extra = function.bindings.filter { $0 != function.trigger && $0 != "orchestration" }
        let worst = extra.compactMap { group in lockIn.triggers[group].map { (group, $0) } }
            .max { factor($0.1.kind) < factor($1.1.kind) }
        if let (group, t) = worst {
            parts.append(LockInComponent(name: "bindings", points: points(bindingsWeight, factor(t.kind)), max: bindingsWeight,
                                         reason: "binds \(extra.sorted().joined(separator: ", ")); worst: " + describe(group, t)))
        } else {
            parts.append(LockInComponent(name: "bindings", points: 0, max: bindingsWeight, reason: "no declared bindings"))
        }
        let r = lockIn.runtime
        let runtimeFactor = r.openSource && r.selfHostable ? 0 : (r.selfHostable || r.openSource ? 0.5 : 1)
        parts.append(LockInComponent(name: "runtime", points: points(runtimeWeight, runtimeFactor), max: runtimeWeight,
                                     reason: r.openSource && r.selfHostable ? "open-source runtime the team can host"
                                         : r.selfHostable ? "managed, but its definition runs self-hosted elsewhere"
                                         : r.openSource ? "open source, but not practical to host" : "closed, managed-only runtime"))
        let activity: Double = switch r.activity { case .active: 0; case .stale: 0.6; case .abandoned: 1 }
        parts.append(LockInComponent(name: "activity", points: points(activityWeight, activity), max: activityWeight,
                                     reason: "project \(r.activity.rawValue)"))
        return LockInScore(target: profile.id, score: min(100, parts.reduce(0) { $0 + $1.points }), components: parts)
    }
}
