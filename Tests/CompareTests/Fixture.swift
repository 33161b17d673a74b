import Foundation
import Results

/// A hand-made `placer.result/v1` document, small enough to check by hand.
struct Fixture {
    struct Function {
        var app = "shop"
        var name: String
        var memoryMB: Double = 256
        var cost: String? = "10.00"
        var p99 = 200.0
        var coldStarts = 10
        var throttled = 0
        var invocations = 1000
        var rejected = 0
        var billedGBSeconds = 50.0
    }

    struct Target {
        var id = "aws-lambda-x86"
        var cost: String? = "100.00"
        var p50 = 50.0
        var p95 = 150.0
        var p99 = 300.0
        var coldStarts = 100
        var throttled = 0
        var invocations = 10000
        var keepAlive = "fixed idle 10 min"
        var functions: [Function] = [Function(name: "checkout"), Function(name: "search")]
    }

    var seed = "1"
    var spanMinutes = 1440
    var targets: [Target] = [Target()]
    /// Raw JSON for the `lockIn` section, or nil for none.
    var lockIn: String? = nil
    /// Raw JSON for the `placement` section, or nil for none.
    var placement: String? = nil

    static func violations(_ items: [(app: String, function: String, target: String, reason: String)]) -> String {
        let list = items.map { #"{"app": \#(quote($0.app)), "function": \#(quote($0.function)), "target": \#(quote($0.target)), "region": "eastus", "reason": \#(quote($0.reason))}"# }
        return #"{"schema": "placer.lockin/v1", "functions": [], "violations": [\#(list.joined(separator: ", "))]}"#
    }

    static func quote(_ s: String) -> String {
        String(decoding: try! JSONSerialization.data(withJSONObject: s, options: [.fragmentsAllowed]), as: UTF8.self)
    }

    func figures(invocations: Int, coldStarts: Int, throttled: Int, rejected: Int, p50: Double, p95: Double, p99: Double,
                 cost: String?, billed: Double) -> String {
        let money = cost.map { #"{"total": \#($0), "compute": \#($0), "requests": 0, "init": 0, "provisioned": 0, "freeGrantCredit": 0}"# } ?? "null"
        return #""invocations": \#(invocations), "coldStarts": \#(coldStarts), "throttled": \#(throttled), "rejected": \#(rejected), "delayed": 0, "latencyMs": {"p50": \#(p50), "p95": \#(p95), "p99": \#(p99)}, "peakInstances": 3, "instanceSeconds": 100.0, "memoryGBSeconds": 25.0, "billedGBSeconds": \#(billed), "monthlyCost": \#(money)"#
    }

    var json: String {
        let targetList = targets.map { t in
            let functions = t.functions.map { f in
                #"{"app": \#(Self.quote(f.app)), "function": \#(Self.quote(f.name)), "scalingUnit": "function", "memoryMB": \#(f.memoryMB), \#(figures(invocations: f.invocations, coldStarts: f.coldStarts, throttled: f.throttled, rejected: f.rejected, p50: 20, p95: 100, p99: f.p99, cost: f.cost, billed: f.billedGBSeconds))}"#
            }
            return #"{"id": \#(Self.quote(t.id)), "scalingUnit": "function", "keepAlive": \#(Self.quote(t.keepAlive)), "notes": [], "series": {"minutes": 1, "instances": [1.0], "memoryMB": [256.0]}, "bill": null, \#(figures(invocations: t.invocations, coldStarts: t.coldStarts, throttled: t.throttled, rejected: 0, p50: t.p50, p95: t.p95, p99: t.p99, cost: t.cost, billed: 100)), "functions": [\#(functions.joined(separator: ", "))]}"#
        }
        var extra = ""
        if let lockIn { extra += #", "lockIn": \#(lockIn)"# }
        if let placement { extra += #", "placement": \#(placement)"# }
        return #"{"schema": "placer.result/v1", "seed": \#(Self.quote(seed)), "arrivals": "exponential", "spanMinutes": \#(spanMinutes), "days": \#(Double(spanMinutes) / 1440), "notes": [], "targets": [\#(targetList.joined(separator: ", "))]\#(extra)}"#
    }

    func document(_ name: String = "fixture.json") throws -> ResultDocument {
        try ResultDocument.parse(Data(json.utf8), file: name)
    }
}
