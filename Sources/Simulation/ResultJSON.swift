import Foundation
import Pricing
import Results

extension SimulationResult {
    /// The result as `placer.result/v1` JSON (see docs/result.md): byte-identical for equal inputs and seed.
    public func json() -> String {
        String(decoding: jsonBytes(), as: UTF8.self)
    }

    /// `json()` as UTF-8 bytes, made in one buffer (what `placer simulate --json` writes).
    public func jsonBytes() -> [UInt8] {
        var out: [UInt8] = []
        jsonValue().write(into: &out)
        out.append(UInt8(ascii: "\n"))
        return out
    }

    public func jsonValue() -> JSONValue {
        var fields: [String: JSONValue] = [
            "schema": .string(Self.schema),
            "seed": .string(String(seed)),
            "arrivals": .string(arrivals.rawValue),
            "spanMinutes": .int(spanMinutes),
            "days": .fixed(days, 4),
            "notes": .array(notes.map { .string($0) }),
            "targets": .array(targets.map { $0.jsonValue(accounts: accounts.count > 1) }),
            "accounts": .object(["mode": .string(accounts.mode.rawValue), "count": .int(accounts.count)]),
        ]
        for (key, value) in sections where fields[key] == nil { fields[key] = value }
        return .object(fields)
    }
}

extension TargetOutcome {
    /// - Parameter accounts: whether the run billed several accounts: then each function names its
    ///   own (`account`), whose bill its `monthlyCost` is a share of.
    func jsonValue(accounts: Bool = false) -> JSONValue {
        var fields = total.jsonFields(cluster: cluster != nil)
        if let cluster {
            fields["cluster"] = .object([
                "servers": .int(cluster.nodes), "coresPerServer": .fixed(cluster.coresPerNode, 3),
                "memoryMBPerServer": .fixed(cluster.memoryMBPerNode, 1), "coresPerCall": .fixed(cluster.coresPerCall, 3),
                "rule": .string(cluster.placement.rule.rawValue), "nodeChoice": .string(cluster.placement.nodeChoice.rawValue),
                "whenFull": .string(cluster.placement.whenFull.rawValue), "evictIdle": .bool(cluster.placement.evictIdle),
            ])
        }
        fields["id"] = .string(id)
        fields["scalingUnit"] = .string(scalingUnit)
        fields["keepAlive"] = .string(keepAlive)
        fields["notes"] = .array(notes.map { .string($0) })
        fields["bill"] = bill.map { b in
            .object([
                "usageDays": .decimal(b.usageDays, 6), "region": b.region.map { .string($0) } ?? .null,
                "total": .decimal(b.total, 6), "compute": .decimal(b.compute, 6),
                "requests": .decimal(b.requests, 6), "init": .decimal(b.initialization, 6),
                "provisioned": .decimal(b.provisioned, 6), "egress": .decimal(b.egress, 6), "storage": .decimal(b.storage, 6),
                "freeGrantCredit": .decimal(b.freeGrantCredit, 6), "discount": .decimal(b.discount, 6),
                "monthlyRequests": .decimal(b.quantities.requests, 3),
                "monthlyGBSeconds": .decimal(b.quantities.memoryGBSeconds + b.quantities.initGBSeconds + b.quantities.instanceGBSeconds, 3),
                "notes": .array(b.notes.map { .string($0) }),
                "usage": usage.map(Self.usageJSON) ?? .null,
                "pricing": pricing.map { o in
                    .object(["freeTier": .bool(o.freeTier), "discountPercent": .string(o.discountPercent.description),
                             "region": o.region.map { .string($0) } ?? .null])
                } ?? .null,
            ])
        } ?? .null
        fields["series"] = .object([
            "minutes": .int(instancesPerMinute.count),
            "instances": .array(instancesPerMinute.map { .fixed($0, 3) }),
            "memoryMB": .array(memoryMBPerMinute.map { .fixed($0, 1) }),
        ])
        fields["functions"] = .array(functions.map { f in
            var fields = f.outcome.jsonFields(cluster: cluster != nil)
            fields["app"] = .string(f.app)
            fields["function"] = .string(f.function)
            fields["scalingUnit"] = .string(f.scalingUnit)
            fields["memoryMB"] = .fixed(f.memoryMB, 0)
            if accounts { fields["account"] = .int(f.account) }
            return .object(fields)
        })
        return .object(fields)
    }
}

extension TargetOutcome {
    /// The usage a bill priced, exactly: integer milliseconds per shape, days as decimal text.
    static func usageJSON(_ u: UsageSummary) -> JSONValue {
        let shapes = Set(u.executionMs.keys).union(u.initMs.keys).union(u.instanceMs.keys)
            .union(u.provisionedMs.keys).union(u.provisionedExecutionMs.keys)
            .sorted { ($0.memoryMB, $0.vcpu, $0.ghz ?? -1) < ($1.memoryMB, $1.vcpu, $1.ghz ?? -1) }
        return .object([
            "days": .string(u.days.description), "invocations": .int(Int(u.invocations)), "coldStarts": .int(Int(u.coldStarts)),
            "egressBytes": .int(Int(u.egressBytes)),
            "shapes": .array(shapes.map { s in
                .object([
                    "memoryMB": .int(s.memoryMB), "vcpu": .string(s.vcpu.description), "ghz": s.ghz.map { .string($0.description) } ?? .null,
                    "executionMs": .int(Int(u.executionMs[s] ?? 0)), "initMs": .int(Int(u.initMs[s] ?? 0)),
                    "instanceMs": .int(Int(u.instanceMs[s] ?? 0)), "provisionedMs": .int(Int(u.provisionedMs[s] ?? 0)),
                    "provisionedExecutionMs": .int(Int(u.provisionedExecutionMs[s] ?? 0)),
                ])
            }),
        ])
    }
}

extension Outcome {
    /// `queued` and `waitMs` only on a fixed cluster (elsewhere nothing queues for room).
    func jsonFields(cluster: Bool = false) -> [String: JSONValue] {
        var fields = basicFields()
        if cluster {
            fields["queued"] = .int(queued)
            fields["waitMs"] = .object(["p50": .fixed(waitMs.p50, 3), "p95": .fixed(waitMs.p95, 3), "p99": .fixed(waitMs.p99, 3)])
        }
        return fields
    }

    private func basicFields() -> [String: JSONValue] {
        [
            "invocations": .int(invocations), "coldStarts": .int(coldStarts), "throttled": .int(throttled),
            "rejected": .int(rejected), "delayed": .int(delayed), "timedOut": .int(timedOut),
            "latencyMs": .object(["p50": .fixed(latencyMs.p50, 3), "p95": .fixed(latencyMs.p95, 3), "p99": .fixed(latencyMs.p99, 3)]),
            "peakInstances": .int(peakInstances),
            "instanceSeconds": .fixed(instanceSeconds, 3),
            "memoryGBSeconds": .fixed(memoryGBSeconds, 3),
            "billedGBSeconds": .fixed(billedGBSeconds, 3),
            "monthlyCost": monthlyCost.map { c in
                .object([
                    "total": .decimal(c.total, 6), "compute": .decimal(c.compute, 6), "requests": .decimal(c.requests, 6),
                    "init": .decimal(c.initialization, 6), "provisioned": .decimal(c.provisioned, 6),
                    "freeGrantCredit": .decimal(c.freeGrantCredit, 6),
                ])
            } ?? .null,
        ]
    }
}
