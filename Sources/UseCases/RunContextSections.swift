import Deployment
import Foundation
import Pricing
import Results
import Simulation

/// The result sections that let `placer report` render without the catalog or the trace: what
/// the run was given (`inputs`) and every simulated target's sources and figures (`profiles`).
enum RunContextSections {
    /// `inputs`: the trace paths as given, the deployment file, the target ids and the
    /// requirements the report checks targets against.
    static func inputs(traces: [String], deployment: Deployment?, targets: [String]) -> JSONValue {
        var requirements: [String: JSONValue] = [:]
        if let p99 = deployment?.defaults.p99LatencyMs { requirements["p99LatencyMs"] = .fixed(p99, 3) }
        return .object([
            "traces": .array(traces.map { .string($0) }),
            "deployment": deployment.map { .string($0.file) } ?? .null,
            "targets": .array(targets.map { .string($0) }),
            "requirements": .object(requirements),
        ])
    }

    /// `profiles`: per target, its identity, the date its prices were read, its sources and
    /// every figure with the source it comes from (values as exact decimal text).
    static func profiles(_ profiles: [Profile]) -> JSONValue {
        .array(profiles.map { p in
            var sources: [String: JSONValue] = [:]
            for (key, s) in p.sources {
                sources[key] = .object(["url": .string(s.url), "read": .string(s.read),
                                        "checked": s.checked.date.map { .string($0) } ?? .bool(false),
                                        "confidence": .string(s.confidence.rawValue),
                                        "note": s.note.map { .string($0) } ?? .null])
            }
            let figures = p.figures.sorted { $0.path < $1.path }.map { item -> JSONValue in
                .object(["path": .string(item.path), "value": .string(item.figure.value.description),
                         "unit": .string(item.figure.unit.symbol), "source": .string(item.figure.source)])
            }
            return .object([
                "id": .string(p.id), "name": .string(p.name), "kind": .string(p.kind.rawValue), "provider": .string(p.provider),
                "status": .string(p.status.state.rawValue), "statusNote": p.status.summary.map { .string($0) } ?? .null,
                "retires": p.status.retires.map { .string($0) } ?? .null, "retiresOnly": p.status.retiresOnly.map { .string($0) } ?? .null,
                "successor": p.status.successor.map { .string($0) } ?? .null,
                "region": p.region.map { .string($0) } ?? .null,
                "pricesAsOf": p.pricesAsOf.map { .string($0) } ?? .null,
                "sources": .object(sources), "figures": .array(figures),
            ])
        })
    }
}
