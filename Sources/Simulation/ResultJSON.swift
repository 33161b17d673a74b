import Foundation
import Pricing
import Results

extension SimulationResult {
    /// The result as `placer.result/v1` JSON (see docs/result.md): byte-identical for equal inputs and seed.
    public func json() -> String {
        var out = ""
        jsonValue().write(into: &out)
        return out + "\n"
    }

    public func jsonValue() -> JSONValue {
        var fields: [String: JSONValue] = [
            "schema": .string(Self.schema),
            "seed": .string(String(seed)),
            "arrivals": .string(arrivals.rawValue),
            "spanMinutes": .int(spanMinutes),
            "days": .fixed(days, 4),
            "notes": .array(notes.map { .string($0) }),
            "targets": .array(targets.map { $0.jsonValue() }),
            "accounts": .object(["mode": .string(accounts.mode.rawValue), "count": .int(accounts.count)]),
        ]
        for (key, value) in sections where fields[key] == nil { fields[key] = value }
        return .object(fields)
    }
}

extension TargetOutcome {
    func jsonValue() -> JSONValue {
        var fields = total.jsonFields()
        fields["id"] = .string(id)
        fields["scalingUnit"] = .string(scalingUnit)
        fields["keepAlive"] = .string(keepAlive)
        fields["notes"] = .array(notes.map { .string($0) })
        fields["bill"] = bill.map { b in
            .object([
                "usageDays": .decimal(b.usageDays, 6), "total": .decimal(b.total, 6), "compute": .decimal(b.compute, 6),
                "requests": .decimal(b.requests, 6), "init": .decimal(b.initialization, 6),
                "provisioned": .decimal(b.provisioned, 6), "egress": .decimal(b.egress, 6),
                "freeGrantCredit": .decimal(b.freeGrantCredit, 6), "discount": .decimal(b.discount, 6),
                "monthlyRequests": .decimal(b.quantities.requests, 3),
                "monthlyGBSeconds": .decimal(b.quantities.memoryGBSeconds + b.quantities.initGBSeconds + b.quantities.instanceGBSeconds, 3),
                "notes": .array(b.notes.map { .string($0) }),
            ])
        } ?? .null
        fields["series"] = .object([
            "minutes": .int(instancesPerMinute.count),
            "instances": .array(instancesPerMinute.map { .fixed($0, 3) }),
            "memoryMB": .array(memoryMBPerMinute.map { .fixed($0, 1) }),
        ])
        fields["functions"] = .array(functions.map { f in
            var fields = f.outcome.jsonFields()
            fields["app"] = .string(f.app)
            fields["function"] = .string(f.function)
            fields["scalingUnit"] = .string(f.scalingUnit)
            fields["memoryMB"] = .fixed(f.memoryMB, 0)
            return .object(fields)
        })
        return .object(fields)
    }
}

extension Outcome {
    func jsonFields() -> [String: JSONValue] {
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
