import Foundation
import Pricing

/// A JSON value written with sorted keys and fixed number formats, so equal results are equal bytes.
public indirect enum JSONValue: Sendable {
    case object([String: JSONValue])
    case array([JSONValue])
    case string(String)
    case int(Int)
    /// A double written with this many decimals.
    case fixed(Double, Int)
    /// A decimal rounded to this many decimals.
    case decimal(Decimal, Int)
    case null
    /// JSON rendered elsewhere (e.g. the lock-in report), written as it is.
    case raw(String)

    public func write(into out: inout String, indent: Int = 0) {
        let pad = String(repeating: " ", count: indent)
        switch self {
        case .object(let fields):
            guard !fields.isEmpty else { out += "{}"; return }
            out += "{\n"
            for (i, key) in fields.keys.sorted().enumerated() {
                out += pad + "  " + Self.quote(key) + ": "
                fields[key]!.write(into: &out, indent: indent + 2)
                out += i == fields.count - 1 ? "\n" : ",\n"
            }
            out += pad + "}"
        case .array(let items):
            // Arrays of numbers on one line: series stay readable and compact.
            if items.allSatisfy({ if case .object = $0 { return false }; return true }) {
                out += "["
                for (i, item) in items.enumerated() {
                    if i > 0 { out += ", " }
                    item.write(into: &out, indent: indent)
                }
                out += "]"
                return
            }
            out += "[\n"
            for (i, item) in items.enumerated() {
                out += pad + "  "
                item.write(into: &out, indent: indent + 2)
                out += i == items.count - 1 ? "\n" : ",\n"
            }
            out += pad + "]"
        case .string(let text): out += Self.quote(text)
        case .int(let n): out += String(n)
        case .fixed(let value, let places):
            guard value.isFinite else { out += "null"; return }
            var text = String(format: "%.\(places)f", value)
            if text.hasPrefix("-"), Double(text) == 0 { text.removeFirst() }
            out += text
        case .decimal(let value, let places):
            var v = value, rounded = Decimal()
            NSDecimalRound(&rounded, &v, places, .plain)
            out += rounded.description
        case .null: out += "null"
        case .raw(let text):
            var trimmed = Substring(text)
            while trimmed.last == "\n" { trimmed.removeLast() }
            out += trimmed.replacingOccurrences(of: "\n", with: "\n" + pad)
        }
    }

    static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 { out += String(format: "\\u%04x", scalar.value) } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out + "\""
    }
}

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
