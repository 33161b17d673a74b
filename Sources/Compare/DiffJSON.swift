import Foundation
import Results

/// The diff as `placer.compare/v1` JSON: keys sorted, money as decimals with 6 places, latencies
/// and rates with 3 and 6, so equal inputs give equal bytes (see docs/ci.md).
public enum DiffJSON {
    public static let schema = "placer.compare/v1"

    public static func render(_ diff: ResultDiff, checks: [ThresholdCheck]) -> String {
        var out = ""
        document(diff, checks: checks).write(into: &out)
        return out + "\n"
    }

    static func document(_ diff: ResultDiff, checks: [ThresholdCheck]) -> Value {
        .object([
            "schema": .string(schema),
            "base": side(diff.base), "head": side(diff.head),
            "materiality": .object(["percent": .fixed(diff.materiality.percent, 3), "usd": .decimal(diff.materiality.usd, 6), "ms": .fixed(diff.materiality.ms, 3)]),
            "changed": .bool(diff.isMaterial),
            "breached": .bool(checks.contains(where: \.breached)),
            "thresholds": .array(checks.map { c in
                .object(["rule": .string(c.rule), "subject": .string(c.subject), "observed": .string(c.observed), "breached": .bool(c.breached)])
            }),
            "targets": .array(diff.targets.map(target)),
            "functions": .array(diff.functions.map(function)),
            "placement": diff.placement.map { p in
                .object(["monthlyCost": money(p.cost), "moves": .array(p.moves.map { m in
                    .object(["id": .string(m.id), "before": m.before.map(Value.string) ?? .null, "after": m.after.map(Value.string) ?? .null, "reason": .string(m.reason)])
                })])
            } ?? .null,
            "current": diff.current.map { c in .object(["monthlyCost": money(c.cost), "uncosted": count(c.uncosted)]) } ?? .null,
            "violations": diff.violations.available
                ? .object(["new": .array(diff.violations.added.map(violation)), "resolved": .array(diff.violations.removed.map(violation))])
                : .null,
            "lockIn": .array(diff.lockIn.map { c in
                .object(["app": .string(c.app), "function": .string(c.function), "target": .string(c.target), "score": count(c.score)])
            }),
            "notes": .array(diff.notes.map(Value.string)),
        ])
    }

    static func side(_ s: ResultDiff.Side) -> Value {
        .object(["name": .string(s.name), "seed": .string(s.seed), "arrivals": .string(s.arrivals), "spanMinutes": .int(s.spanMinutes)])
    }

    static func target(_ t: TargetDiff) -> Value {
        .object([
            "id": .string(t.id), "presence": .string(t.presence.rawValue), "changed": .bool(t.isMaterial),
            "monthlyCost": money(t.cost), "invocations": count(t.invocations), "coldStarts": count(t.coldStarts),
            "coldStartRate": figure(t.coldStartRate, 6), "throttled": count(t.throttled),
            "latencyMs": .object(["p50": figure(t.p50, 3), "p95": figure(t.p95, 3), "p99": figure(t.p99, 3)]),
            "peakInstances": count(t.peakInstances),
            "keepAlive": .object(["before": t.keepAlive.before.map(Value.string) ?? .null, "after": t.keepAlive.after.map(Value.string) ?? .null]),
            "functionsChanged": .int(t.functions.filter(\.isMaterial).count),
        ])
    }

    static func function(_ f: FunctionDiff) -> Value {
        .object([
            "target": .string(f.target), "app": .string(f.app), "function": .string(f.function), "presence": .string(f.presence.rawValue),
            "memoryMB": figure(f.memoryMB, 0), "monthlyCost": money(f.cost), "p99Ms": figure(f.p99, 3),
            "coldStarts": count(f.coldStarts), "throttled": count(f.throttled),
        ])
    }

    static func violation(_ v: Violation) -> Value {
        .object(["app": .string(v.app), "function": .string(v.function), "target": .string(v.target), "region": .string(v.region), "reason": .string(v.reason)])
    }

    static func money(_ c: Change<Decimal>) -> Value {
        .object(["before": c.before.map { .decimal($0, 6) } ?? .null, "after": c.after.map { .decimal($0, 6) } ?? .null,
                 "change": c.delta.map { .decimal($0, 6) } ?? .null, "percent": percent(c.percent)])
    }

    static func figure(_ c: Change<Double>, _ places: Int) -> Value {
        .object(["before": c.before.map { .fixed($0, places) } ?? .null, "after": c.after.map { .fixed($0, places) } ?? .null,
                 "change": c.delta.map { .fixed($0, places) } ?? .null, "percent": percent(c.percent)])
    }

    static func count(_ c: Change<Int>) -> Value {
        .object(["before": c.before.map(Value.int) ?? .null, "after": c.after.map(Value.int) ?? .null,
                 "change": c.delta.map(Value.int) ?? .null, "percent": percent(c.percent)])
    }

    /// Percent with 3 decimals; null when a side is missing or the base was zero (no ratio).
    static func percent(_ p: Double?) -> Value {
        guard let p, p.isFinite else { return .null }
        return .fixed(p, 3)
    }

    /// The deterministic JSON writer every Placer result uses.
    typealias Value = JSONValue
}
