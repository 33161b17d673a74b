import Foundation
import Simulation
import WorkerProtocol
import Yams

/// A target's keep-alive and cold start fitted to a team's own trace (`placer calibrate --from`):
/// an override of the profile marked `observed`, which `placer simulate --calibration FILE` applies
/// to that target. The estimators are `KeepAliveFit` and `ColdStartFit` (docs/calibration.md).
public struct ObservedCalibration: Sendable, Equatable {
    public static let schema = "placer.calibration.observed/v1"

    /// The target the fit is for.
    public var target: String
    /// The trace it was fitted to, as named on the command line.
    public var trace: String
    public var functions: Int
    public var keepAlive: KeepAliveFit.Result
    /// Nil when no cold call carried an init time.
    public var coldStart: ColdStartFit?

    public init(target: String, trace: String, functions: Int, keepAlive: KeepAliveFit.Result, coldStart: ColdStartFit?) {
        self.target = target
        self.trace = trace
        self.functions = functions
        self.keepAlive = keepAlive
        self.coldStart = coldStart
    }

    /// The target's keep-alive and cold start replaced by the fitted ones.
    public func apply(to model: inout TargetModel) {
        model.keepAlive = .fixed(idleSeconds: keepAlive.idleSeconds)
        if let coldStart {
            model.notes.removeAll { $0.hasPrefix("cold-start latency unknown") }
            model.coldStart = coldStart.model
        }
        model.notes.append(note)
    }

    /// One sentence for the target's notes: what was fitted, from what.
    public var note: String {
        func s(_ v: Double?) -> String { v.map { String(format: "%.1f s", $0) } ?? "open" }
        var text = "keep-alive fitted to the cold starts observed in \(trace) (observed): idle \(String(format: "%.1f", keepAlive.idleSeconds)) s, between the longest gap that stayed warm (\(s(keepAlive.longestWarmSeconds))) and the shortest that went cold (\(s(keepAlive.shortestColdSeconds))), \(keepAlive.disagreeing) of \(keepAlive.warmObservations + keepAlive.coldObservations) observations disagreeing"
        if let c = coldStart {
            text += String(format: "; cold start log-normal, median %.1f ms, p99 %.1f ms, from %ld init times", c.medianMs, c.p99Ms, c.samples)
        }
        return text
    }

    /// One line for the terminal: the fit, its bracket and how many observations disagree.
    public var summary: String {
        let k = keepAlive
        func s(_ v: Double?) -> String { v.map { String(format: "%.1f s", $0) } ?? "open" }
        var text = "\(target): keep-alive " + String(format: "%.1f s", k.idleSeconds)
        text += " (between \(s(k.longestWarmSeconds)) warm and \(s(k.shortestColdSeconds)) cold; \(k.disagreeing) of \(k.warmObservations + k.coldObservations) observations disagree; \(k.coldCalls) cold of \(k.calls) calls, \(k.concurrencyColds) from concurrency)"
        if let c = coldStart { text += String(format: ", cold start median %.1f ms, p99 %.1f ms (%ld init times)", c.medianMs, c.p99Ms, c.samples) }
        return text
    }

    /// The override as YAML: figures with their unit and how they were obtained. The same fit
    /// gives the same bytes (no clock in it).
    public func yaml() -> String {
        func f(_ v: Double) -> String { String(format: "%.4f", v) }
        func bound(_ name: String, _ v: Double?) -> String { v.map { "  \(name): {value: \(f($0)), unit: s}\n" } ?? "" }
        let k = keepAlive
        var text = """
            # Fitted by `placer calibrate --from` to the cold starts the trace observed; use with
            # `placer simulate --calibration FILE` (or advise). Estimators: docs/calibration.md.
            schema: \(Self.schema)
            target: \(FlatJSON.quote(target))
            confidence: observed
            trace: {path: \(FlatJSON.quote(trace)), functions: \(functions), calls: \(k.calls), coldCalls: \(k.coldCalls)}
            keepAlive:
              policy: fixed-idle
              idle: {value: \(f(k.idleSeconds)), unit: s}

            """
        text += bound("longestWarm", k.longestWarmSeconds)
        text += bound("shortestCold", k.shortestColdSeconds)
        text += "  observations: {warm: \(k.warmObservations), cold: \(k.coldObservations), disagreeing: \(k.disagreeing), concurrencyColds: \(k.concurrencyColds), unexplainedWarm: \(k.unexplainedWarm)}\n"
        if let c = coldStart {
            text += """
                coldStart:
                  model: lognormal
                  mu: \(f(c.mu))
                  sigma: \(f(c.sigma))
                  median: {value: \(f(c.medianMs)), unit: ms}
                  p99: {value: \(f(c.p99Ms)), unit: ms}
                  samples: \(c.samples)
                  sampleMedian: {value: \(f(c.sampleMedianMs)), unit: ms}
                  sampleP99: {value: \(f(c.sampleP99Ms)), unit: ms}

                """
        }
        return text
    }

    /// Whether the file at `path` declares this schema (so a caller can tell it from a machine profile).
    public static func declares(path: String) -> Bool {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8),
              let map = (try? Yams.load(yaml: text)) as? [String: Any] else { return false }
        return map["schema"] as? String == schema
    }

    /// Reads a file written by `yaml()`.
    public static func read(path: String) throws -> ObservedCalibration {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw Calibration.ReadError(description: "\(path): cannot read the calibration file")
        }
        let root: Any?
        do { root = try Yams.load(yaml: text) } catch {
            throw Calibration.ReadError(description: "\(path): not YAML: \(error)")
        }
        guard let map = root as? [String: Any], map["schema"] as? String == schema else {
            throw Calibration.ReadError(description: "\(path): not a fitted calibration (schema: \(schema) expected; write one with `placer calibrate --from TRACE --target ID`)")
        }
        func double(_ v: Any?) -> Double? { (v as? Double) ?? (v as? Int).map(Double.init) }
        func figure(_ block: [String: Any]?, _ key: String, _ what: String) throws -> Double? {
            guard let entry = block?[key] else { return nil }
            guard let v = double((entry as? [String: Any])?["value"]), v.isFinite, v >= 0 else {
                throw Calibration.ReadError(description: "\(path): \(what).\(key).value is not a non-negative number")
            }
            return v
        }
        guard let target = map["target"] as? String, !target.isEmpty else {
            throw Calibration.ReadError(description: "\(path): target is missing")
        }
        let keep = map["keepAlive"] as? [String: Any]
        guard let idle = try figure(keep, "idle", "keepAlive") else {
            throw Calibration.ReadError(description: "\(path): keepAlive.idle.value is missing")
        }
        let trace = map["trace"] as? [String: Any] ?? [:]
        let observations = keep?["observations"] as? [String: Any] ?? [:]
        func count(_ m: [String: Any], _ key: String) -> Int { m[key] as? Int ?? 0 }
        let result = KeepAliveFit.Result(
            idleSeconds: idle, longestWarmSeconds: try figure(keep, "longestWarm", "keepAlive"),
            shortestColdSeconds: try figure(keep, "shortestCold", "keepAlive"), disagreeing: count(observations, "disagreeing"),
            warmObservations: count(observations, "warm"), coldObservations: count(observations, "cold"),
            concurrencyColds: count(observations, "concurrencyColds"), unexplainedWarm: count(observations, "unexplainedWarm"),
            calls: count(trace, "calls"), coldCalls: count(trace, "coldCalls"))
        var cold: ColdStartFit?
        if let block = map["coldStart"] as? [String: Any] {
            guard let mu = double(block["mu"]), mu.isFinite, let sigma = double(block["sigma"]), sigma.isFinite, sigma >= 0 else {
                throw Calibration.ReadError(description: "\(path): coldStart.mu and coldStart.sigma must be numbers (sigma non-negative)")
            }
            cold = ColdStartFit(mu: mu, sigma: sigma, samples: block["samples"] as? Int ?? 0,
                                sampleMedianMs: try figure(block, "sampleMedian", "coldStart") ?? exp(mu),
                                sampleP99Ms: try figure(block, "sampleP99", "coldStart") ?? exp(mu))
        }
        return ObservedCalibration(target: target, trace: trace["path"] as? String ?? "", functions: count(trace, "functions"),
                                   keepAlive: result, coldStart: cold)
    }
}
