import Foundation
import Results

/// An Infracost usage file (`version: 0.1`, `resource_usage:` keyed by resource address) with
/// `monthly_requests` and `request_duration_ms` per Lambda function, from a replay instead of
/// a guess. Keys as Infracost's AWS Lambda resource reads them (both integers):
/// https://github.com/infracost/infracost/blob/master/internal/resources/aws/lambda_function.go,
/// file format: https://www.infracost.io/docs/features/usage_based_resources/ (read 2026-11-29).
public enum InfracostUsage {
    /// One resource of the usage file: one function, or several the deployment maps to one address.
    public struct Entry: Sendable, Equatable {
        public var address: String
        /// Served requests projected to a 30-day month.
        public var monthlyRequests: Int
        /// Billed milliseconds per served request (init included where the target bills it).
        public var requestDurationMs: Int
        /// `app/function (memory MB, calls replayed)` of each function behind the address.
        public var functions: [String]
    }

    /// A resource address that is not one Infracost could match.
    public struct AddressError: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    /// The usage of every function of `target`. `resource` gives a function's explicit address
    /// (from the deployment's `resource:`), else one is made from its name by `address(app:function:)`.
    public static func entries(_ result: ResultDocument, target: TargetResult,
                               resource: (FunctionResult) -> String?) throws -> [Entry] {
        let month = 30.0 * 1440 / Double(max(result.spanMinutes, 1))
        var explicit: [String: String] = [:]
        for f in target.functions {
            guard let address = resource(f) else { continue }
            guard isAddress(address) else {
                throw AddressError(description: "resource '\(address)' for \(f.id) is not a Terraform address (letters, digits, _ - . [ ] \" only)")
            }
            explicit[f.id] = address
        }
        let made = madeAddresses(target.functions.filter { explicit[$0.id] == nil })

        struct Sum { var served = 0.0, billedMs = 0.0, functions: [String] = [] }
        var sums: [String: Sum] = [:]
        for f in target.functions {
            let address = explicit[f.id] ?? made[f.id] ?? "aws_lambda_function._"
            let served = Double(max(f.figures.invocations - f.figures.rejected, 0))
            let memoryGB = f.memoryMB / 1024
            var sum = sums[address] ?? Sum()
            sum.served += served
            sum.billedMs += memoryGB > 0 ? f.figures.billedGBSeconds / memoryGB * 1000 : 0
            sum.functions.append("\(f.id) (\(Int(f.memoryMB.rounded())) MB, \(f.figures.invocations) calls replayed)")
            sums[address] = sum
        }
        return sums.keys.sorted().map { address in
            let s = sums[address] ?? Sum()
            var duration = s.served > 0 ? Int((s.billedMs / s.served).rounded()) : 0
            if duration == 0, s.billedMs > 0 { duration = 1 }
            return Entry(address: address, monthlyRequests: Int((s.served * month).rounded()), requestDurationMs: duration,
                         functions: s.functions.sorted())
        }
    }

    /// The usage file's text.
    public static func yaml(_ entries: [Entry], result: ResultDocument, target: TargetResult) -> String {
        var lines = [
            "# Infracost usage file (https://www.infracost.io/docs/features/usage_based_resources/)",
            "# written by `placer export infracost-usage` from \(comment(result.file)): target \(comment(target.id)),",
            "# \(String(format: "%.2f", result.days)) days replayed (seed \(comment(result.seed))), projected to a 30-day month.",
            "# request_duration_ms is the billed time per request at the memory Placer simulated (listed per",
            "# resource): keep memory_size in Terraform the same, or Infracost's cost will differ from Placer's.",
            "version: 0.1",
            "resource_usage:",
        ]
        if entries.isEmpty { lines[lines.count - 1] = "resource_usage: {}" }
        for e in entries {
            lines.append("  \(key(e.address)):")
            for f in e.functions { lines.append("    # \(comment(f))") }
            lines.append("    monthly_requests: \(e.monthlyRequests)")
            lines.append("    request_duration_ms: \(e.requestDurationMs)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `aws_lambda_function.NAME` with NAME made a Terraform identifier: characters other than
    /// letters, digits, `_` and `-` become `_`, and a leading digit or `-` gets a `_` before it.
    public static func address(function: String) -> String {
        "aws_lambda_function." + identifier(function)
    }

    static func identifier(_ text: String) -> String {
        var out = String(text.unicodeScalars.map { s -> Character in
            let ok = s.isASCII && (CharacterSet.alphanumerics.contains(s) || s == "_" || s == "-")
            return ok ? Character(s) : "_"
        })
        if out.isEmpty || !(out.first?.isLetter ?? false || out.first == "_") { out = "_" + out }
        return out
    }

    /// Addresses from names: the function's name; where two functions share it, `app_function`;
    /// where that still collides, a `_2`, `_3`… suffix in id order.
    static func madeAddresses(_ functions: [FunctionResult]) -> [String: String] {
        let sorted = functions.sorted { $0.id < $1.id }
        var byName: [String: Int] = [:]
        for f in sorted { byName[address(function: f.function), default: 0] += 1 }
        var used: Set<String> = [], out: [String: String] = [:]
        for f in sorted {
            var candidate = address(function: f.function)
            if (byName[candidate] ?? 0) > 1 { candidate = "aws_lambda_function." + identifier(f.app + "_" + f.function) }
            var unique = candidate, n = 2
            while used.contains(unique) { unique = "\(candidate)_\(n)"; n += 1 }
            used.insert(unique)
            out[f.id] = unique
        }
        return out
    }

    static func isAddress(_ text: String) -> Bool {
        !text.isEmpty && text.unicodeScalars.allSatisfy { s in
            s.isASCII && (CharacterSet.alphanumerics.contains(s) || "_-.[]\"".unicodeScalars.contains(s))
        }
    }

    /// A YAML key: plain when it is only identifier characters and dots, else double-quoted.
    static func key(_ address: String) -> String {
        if address.unicodeScalars.allSatisfy({ $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "_-.".unicodeScalars.contains($0)) }) {
            return address
        }
        return "\"" + address.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    /// Text for a YAML comment: one line, control characters shown as `?`.
    static func comment(_ text: String) -> String {
        String(text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F || $0 == "\u{2028}" || $0 == "\u{2029}" || $0 == "\u{85}" ? "?" : Character($0) })
    }
}
