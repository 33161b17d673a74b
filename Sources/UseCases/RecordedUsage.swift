import Foundation
import Pricing
import Results

/// The month of usage a result's bill priced (`targets[].bill.usage`, docs/result.md), read back
/// exactly, so the bill can be re-priced without a replay.
enum RecordedUsage {
    static func usage(_ node: JSONNode, file: String) throws -> UsageSummary {
        func bad(_ what: String) -> UseCaseError { .badInput("\(file): \(node.path).\(what): expected \(what == "days" ? "decimal text" : "a whole number")") }
        func count(_ n: JSONNode?, _ key: String) throws -> Int64 {
            guard let value = n?[key]?.double, value >= 0, value == value.rounded(), value < 9.0e15 else { throw bad(key) }
            return Int64(value)
        }
        guard let daysText = node["days"]?.string, let days = Decimal(string: daysText, locale: Locale(identifier: "en_US_POSIX")), days > 0 else {
            throw bad("days")
        }
        var usage = UsageSummary(days: days)
        usage.invocations = try count(node, "invocations")
        usage.coldStarts = try count(node, "coldStarts")
        usage.egressBytes = try count(node, "egressBytes")
        for shapeNode in node["shapes"]?.array ?? [] {
            guard let memory = shapeNode["memoryMB"]?.double, let vcpuText = shapeNode["vcpu"]?.string,
                  let vcpu = Decimal(string: vcpuText, locale: Locale(identifier: "en_US_POSIX")) else {
                throw UseCaseError.badInput("\(file): \(shapeNode.path): expected memoryMB and vcpu")
            }
            let ghz = shapeNode["ghz"]?.string.flatMap { Decimal(string: $0, locale: Locale(identifier: "en_US_POSIX")) }
            let shape = Shape(memoryMB: Int(memory), vcpu: vcpu, ghz: ghz)
            func add(_ key: String, _ into: inout [Shape: Int64]) throws {
                let ms = try count(shapeNode, key)
                if ms > 0 { into[shape, default: 0] += ms }
            }
            try add("executionMs", &usage.executionMs)
            try add("initMs", &usage.initMs)
            try add("instanceMs", &usage.instanceMs)
            try add("provisionedMs", &usage.provisionedMs)
            try add("provisionedExecutionMs", &usage.provisionedExecutionMs)
        }
        return usage
    }

    static func options(_ node: JSONNode?, file: String) throws -> PricingOptions {
        guard let node, !node.isNull else { return PricingOptions() }
        var options = PricingOptions()
        if case .bool(let free)? = node["freeTier"]?.value { options.freeTier = free }
        if let text = node["discountPercent"]?.string, let d = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")) { options.discountPercent = d }
        options.region = node["region"]?.string
        return options
    }
}
