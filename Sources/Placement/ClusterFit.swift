import Deployment
import Formatting
import Foundation
import Pricing
import Results
import Simulation
import Traces

/// How an on-prem platform's trace fits a fixed cluster: the replay on `servers` servers (the
/// deployment's or `--servers`), or the smallest cluster found by simulation that meets the p99
/// objective (`ClusterSearch`).
public struct ClusterFit: Sendable {
    /// One cluster size simulated.
    public struct Trial: Sendable, Equatable {
        /// How a size's outcome was had.
        public enum Basis: Sendable, Equatable {
            /// Replayed to the trace's end.
            case replayed
            /// Replayed until it certainly missed (`ClusterStop`); its figures are partial.
            case stoppedEarly
            /// Not replayed: the replay on this many servers is the same call for call
            /// (`ClusterUse.sameReplay`), its figures those.
            case sameAs(Int)
        }

        public var servers: Int
        public var p99Ms: Double
        public var queued: Int
        public var rejected: Int
        public var meets: Bool
        public var basis: Basis = .replayed

        /// The `basis` word of `clusterFit.tried` (docs/result.md).
        var basisText: String {
            switch basis {
            case .replayed: "replayed"
            case .stoppedEarly: "stopped early"
            case .sameAs(let n): "as \(Numbers.counted(n, "server"))"
            }
        }
    }

    public var target: String
    /// The size replayed (fixed) or found (searched).
    public var servers: Int
    /// Whether `servers` was given (true) or searched for (false).
    public var fixed: Bool
    public var outcome: Outcome
    /// The unlimited replay's p99 and rejections, for comparison.
    public var unlimitedP99Ms: Double
    public var unlimitedRejected: Int
    /// What a size must meet: the total p99 at most this, and each function with an objective its own.
    public var objectiveMs: Double
    public var objective: String
    /// Sizes simulated, in the order tried (empty for a fixed size).
    public var tried: [Trial]
    public var method: String
    public var notes: [String]

    /// The `clusterFit` section of placer.result/v1 (docs/result.md).
    public func jsonValue() -> JSONValue {
        .object([
            "target": .string(target), "servers": .int(servers), "fixed": .bool(fixed),
            "invocations": .int(outcome.invocations), "queued": .int(outcome.queued), "rejected": .int(outcome.rejected),
            "p99Ms": .fixed(outcome.latencyMs.p99, 3), "unlimitedP99Ms": .fixed(unlimitedP99Ms, 3),
            "waitMs": .object(["p50": .fixed(outcome.waitMs.p50, 3), "p95": .fixed(outcome.waitMs.p95, 3), "p99": .fixed(outcome.waitMs.p99, 3)]),
            "objectiveMs": .fixed(objectiveMs, 3), "objective": .string(objective), "method": .string(method),
            "tried": .array(tried.map { t in
                .object(["servers": .int(t.servers), "p99Ms": .fixed(t.p99Ms, 3), "queued": .int(t.queued), "rejected": .int(t.rejected),
                         "meets": .bool(t.meets), "basis": .string(t.basisText)])
            }),
            "notes": .array(notes.map { .string($0) }),
        ])
    }

    /// A few lines for the terminal.
    public func text() -> String {
        func ms(_ x: Double) -> String { x.isFinite ? Numbers.duration(seconds: x / 1000, .approximate) : "-" }
        var lines: [String] = []
        let o = outcome
        let waited = o.queued == 0 ? "no call waited for room"
            : "\(o.queued) of \(o.invocations) calls waited for room (wait p50 \(ms(o.waitMs.p50)), p99 \(ms(o.waitMs.p99)))"
        if fixed {
            lines.append("Fixed cluster: \(target) on \(Numbers.counted(servers, "server")): \(waited); p99 \(ms(o.latencyMs.p99)) with the wait (unlimited instances: \(ms(unlimitedP99Ms))); \(o.rejected) rejected (unlimited: \(unlimitedRejected)); \(meets ? "meets" : "misses") \(objective)")
        } else {
            lines.append("Smallest cluster by simulation: \(target) on \(Numbers.counted(servers, "server")) meets \(objective): \(waited); p99 \(ms(o.latencyMs.p99)) (unlimited instances: \(ms(unlimitedP99Ms)))")
            lines.append("  tried: " + tried.map { t in
                switch t.basis {
                case .replayed: "\(t.servers) → p99 \(ms(t.p99Ms))\(t.meets ? "" : " ✗")"
                case .stoppedEarly: "\(t.servers) ✗ (stopped early)"
                case .sameAs(let n): "\(t.servers) → as \(n)"
                }
            }.joined(separator: ", "))
            lines.append("  " + method)
        }
        for note in notes { lines.append("  note: \(note)") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Whether the replayed size meets the objective.
    public var meets: Bool { tried.last(where: { $0.servers == servers })?.meets ?? (outcome.latencyMs.p99 <= objectiveMs && outcome.rejected <= unlimitedRejected) }
}

/// Sizes an on-prem cluster by simulation: the fewest servers on which the replay meets the p99
/// objective.
///
/// The objective: the deployment's p99 (`requirements.p99LatencyMs`) for the whole trace, and
/// each function's own where a rule sets one, but never tighter than the unlimited replay's p99
/// plus `OnPremInputs.p99Tolerance` (no cluster beats unlimited instances); without an objective,
/// that bound alone. A size meets it when the target's p99 and every such function's are within,
/// and no more calls are rejected than with unlimited instances.
///
/// Search: from the peak-based estimate, doubling until a size meets it, then bisection between
/// the largest size known to miss and the smallest known to meet. p99 is not guaranteed monotone
/// in the number of servers (node choice, eviction and the queue's order change with it), so
/// the answer N is checked on both sides: N − 1 simulated misses, and N + 1 simulated meets
/// (otherwise the search moves up until two sizes in a row meet). A smaller size between those
/// tried that would meet it cannot be ruled out; every size tried is listed.
///
/// Two exact shortcuts make a size cheaper without changing what it is judged to be
/// (`ClusterSearchTests` check the answer against the same search without them, and against
/// every size from 1 up): a replay stops as soon as its size certainly misses (`ClusterStop`:
/// more calls waited past the objective than its p99 allows, or more were rejected than with
/// unlimited instances), and a size is not replayed at all when a size already replayed never
/// lacked room and one node of this size holds the most that replay ever asked of its whole
/// cluster (`ClusterUse.sameReplay`): the replay would be the same call for call.
public enum ClusterSearch {
    /// Most sizes replayed by one search.
    static let maxTrials = 40

    /// How the search found its answer, in a sentence (`clusterFit.method`).
    static func method(start: Int, answer: Int, stopped: Int, inferred: Int) -> String {
        var method = "bisection from the peak-based estimate (\(Numbers.counted(start, "server"))); \(answer) meets it, \(answer - 1 > 0 ? "\(answer - 1) does not, " : "")\(answer + 1) meets it too; p99 is not monotone in servers for certain, so a smaller size between those tried is not ruled out"
        if stopped > 0 { method += "; \(Numbers.counted(stopped, "size")) stopped early once \(stopped == 1 ? "it" : "they") certainly missed (more calls waited past the objective than its p99 allows, or more were rejected)" }
        if inferred > 0 {
            method += "; \(Numbers.counted(inferred, "size")) not replayed: a smaller size's replay never lacked room and one server of \(inferred == 1 ? "it" : "each") holds the most it asked of its whole cluster, so \(inferred == 1 ? "its" : "their") replay is the same call for call"
        }
        return method
    }

    public struct Request: Sendable {
        public var workload: Workload
        public var target: SimulationTarget
        public var inputs: OnPremInputs
        public var deployment: Deployment?
        public var options: SimulationOptions
        /// The unlimited replay of the target (its p99 and rejections bound the objective).
        public var unlimited: TargetOutcome
        /// Where to start: the peak-based estimate of servers.
        public var start: Int
        /// Stop replays early and reuse identical ones (true); false replays every size tried to
        /// the end (the reference the shortcuts are tested against).
        public var shortcuts = true

        public init(workload: Workload, target: SimulationTarget, inputs: OnPremInputs, deployment: Deployment?,
                    options: SimulationOptions, unlimited: TargetOutcome, start: Int) {
            self.workload = workload
            self.target = target
            self.inputs = inputs
            self.deployment = deployment
            self.options = options
            self.unlimited = unlimited
            self.start = start
        }
    }

    /// The replay on `servers` fixed servers, judged against the objective.
    public static func fixed(_ request: Request, servers: Int) throws -> ClusterFit {
        let (objectiveMs, objective) = Self.objective(request)
        guard let outcome = try replay(request, servers: servers) else {
            throw PlacementError(message: "\(request.target.profile.id): its control plane leaves nothing for functions on \(Numbers.counted(servers, "server"))")
        }
        let trial = judge(outcome, servers: servers, request: request, objectiveMs: objectiveMs)
        return ClusterFit(target: request.target.profile.id, servers: servers, fixed: true, outcome: outcome.total,
                          unlimitedP99Ms: request.unlimited.total.latencyMs.p99, unlimitedRejected: request.unlimited.total.rejected,
                          objectiveMs: objectiveMs, objective: objective, tried: [trial], method: "the given size, replayed", notes: outcome.notes)
    }

    /// The smallest size found that meets the objective.
    public static func smallest(_ request: Request) throws -> ClusterFit {
        let (objectiveMs, objective) = Self.objective(request)
        var trials = Trials(request: request, objectiveMs: objectiveMs)
        var low = 0, high = max(1, request.start)
        while try !trials.meets(high) {
            low = high
            high *= 2
        }
        while high - low > 1 {
            let mid = (low + high) / 2
            if try trials.meets(mid) { high = mid } else { low = mid }
        }
        // The size below (unless it is nothing) is known to miss; the size above must meet too.
        while try !trials.meets(high + 1) {
            high += 1
            while try !trials.meets(high) { high += 1 }
        }
        // The answer's own replay (its notes name its size), unless it was known without one.
        var outcome = trials.outcomes[high]
        if outcome?.cluster?.nodes != high { outcome = try replay(request, servers: high) }
        guard let outcome else { throw PlacementError(message: "cluster search lost its answer") }
        let inferred = trials.tried.filter { if case .sameAs = $0.basis { true } else { false } }.count
        let stopped = trials.tried.filter { $0.basis == .stoppedEarly }.count
        let method = method(start: request.start, answer: high, stopped: stopped, inferred: inferred)
        return ClusterFit(target: request.target.profile.id, servers: high, fixed: false, outcome: outcome.total,
                          unlimitedP99Ms: request.unlimited.total.latencyMs.p99, unlimitedRejected: request.unlimited.total.rejected,
                          objectiveMs: objectiveMs, objective: objective, tried: trials.tried, method: method, notes: outcome.notes)
    }

    /// The sizes a search has judged, and how (`smallest`).
    struct Trials {
        let request: Request
        let objectiveMs: Double
        let stop: ClusterStop?
        var tried: [ClusterFit.Trial] = []
        /// Full replays by size (a size known from another's holds that one's outcome).
        var outcomes: [Int: TargetOutcome] = [:]
        var replays = 0

        init(request: Request, objectiveMs: Double) {
            self.request = request
            self.objectiveMs = objectiveMs
            stop = request.shortcuts ? ClusterStop.p99(objectiveMs: objectiveMs, invocations: request.unlimited.total.invocations,
                                                       rejections: request.unlimited.total.rejected) : nil
        }

        /// Whether `n` servers meet the objective: known, the same as a size replayed, or replayed.
        mutating func meets(_ n: Int) throws -> Bool {
            if let known = tried.first(where: { $0.servers == n }) { return known.meets }
            if request.shortcuts, let m = sameReplay(as: n), let outcome = outcomes[m], let trial = tried.first(where: { $0.servers == m }) {
                tried.append(ClusterFit.Trial(servers: n, p99Ms: trial.p99Ms, queued: trial.queued, rejected: trial.rejected, meets: trial.meets,
                                              basis: .sameAs(m)))
                outcomes[n] = outcome
                return trial.meets
            }
            guard replays < ClusterSearch.maxTrials else {
                throw PlacementError(message: "cluster search: no size met the objective within \(ClusterSearch.maxTrials) simulations")
            }
            replays += 1
            guard let outcome = try ClusterSearch.replay(request, servers: n, stop: stop) else {
                // The control plane alone fills servers this few: a miss.
                tried.append(ClusterFit.Trial(servers: n, p99Ms: .infinity, queued: 0, rejected: 0, meets: false))
                return false
            }
            if outcome.clusterUse?.stoppedEarly == true {
                tried.append(ClusterFit.Trial(servers: n, p99Ms: .infinity, queued: outcome.total.queued, rejected: outcome.total.rejected,
                                              meets: false, basis: .stoppedEarly))
                return false
            }
            outcomes[n] = outcome
            let trial = ClusterSearch.judge(outcome, servers: n, request: request, objectiveMs: objectiveMs)
            tried.append(trial)
            return trial.meets
        }

        /// A size replayed to the end whose replay `n` servers would repeat call for call.
        func sameReplay(as n: Int) -> Int? {
            guard let cluster = FixedCluster.model(servers: n, profile: request.target.profile, inputs: request.inputs, workload: request.workload) else { return nil }
            for trial in tried where trial.basis == .replayed {
                if let use = outcomes[trial.servers]?.clusterUse, use.sameReplay(on: cluster, model: request.target.model) { return trial.servers }
            }
            return nil
        }
    }

    /// The target-wide p99 bound and its wording.
    static func objective(_ request: Request) -> (Double, String) {
        let floor = request.unlimited.total.latencyMs.p99 * (1 + request.inputs.p99Tolerance)
        let tolerance = Numbers.number(request.inputs.p99Tolerance * 100, .trimmed)
        if let slo = request.deployment?.defaults.p99LatencyMs {
            if slo >= floor { return (slo, "the deployment's p99 objective of \(Numbers.ms(slo, .withUnit))") }
            return (floor, "the deployment's p99 objective (\(Numbers.ms(slo, .withUnit))), relaxed to the unlimited replay's p99 + \(tolerance) % (\(Numbers.ms(floor, .withUnit))): no cluster does better")
        }
        return (floor, "the unlimited replay's p99 + \(tolerance) % (\(Numbers.ms(floor, .withUnit)); no p99 objective in the deployment)")
    }

    static func judge(_ outcome: TargetOutcome, servers: Int, request: Request, objectiveMs: Double) -> ClusterFit.Trial {
        var meets = outcome.total.latencyMs.p99 <= objectiveMs && outcome.total.rejected <= request.unlimited.total.rejected
        if let deployment = request.deployment {
            for (f, free) in zip(outcome.functions, request.unlimited.functions) {
                guard let slo = deployment.settings(function: f.function, app: f.app).p99LatencyMs else { continue }
                let bound = max(slo, free.outcome.latencyMs.p99 * (1 + request.inputs.p99Tolerance))
                if f.outcome.latencyMs.p99 > bound { meets = false; break }
            }
        }
        return ClusterFit.Trial(servers: servers, p99Ms: outcome.total.latencyMs.p99, queued: outcome.total.queued,
                                rejected: outcome.total.rejected, meets: meets)
    }

    /// The target replayed on `servers` servers (stopping early by `stop`'s rule); nil when its
    /// control plane leaves them nothing.
    static func replay(_ request: Request, servers: Int, stop: ClusterStop? = nil) throws -> TargetOutcome? {
        var target = request.target
        guard let cluster = FixedCluster.model(servers: servers, profile: target.profile, inputs: request.inputs, workload: request.workload) else { return nil }
        target.model.cluster = cluster
        var options = request.options
        options.functionSeries = []
        options.functionUsage = false
        options.clusterStop = stop
        return try Simulator.run(request.workload, targets: [target], options: options).targets[0]
    }
}
