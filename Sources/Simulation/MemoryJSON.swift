import Foundation
import Results

extension Workload {
    /// The `memory` section of `placer.result/v1` (docs/result.md): each function's memory and
    /// where it came from, in the workload's order; `used` gives the peak (and mean) memory its
    /// calls reported, by `app/function`, where the trace has it.
    public func memoryJSON(used: [String: (peakMB: Double, meanMB: Double, calls: Int)] = [:]) -> JSONValue {
        var rows: [JSONValue] = []
        for app in apps {
            for f in app.functions {
                var fields: [String: JSONValue] = [
                    "id": .string(f.key.app + "/" + f.key.function), "memoryMB": .fixed(f.memoryMB, 1),
                    "origin": .string(f.memoryOrigin.kind),
                ]
                if case .appShare(let appMB, let functions, let floorMB) = f.memoryOrigin {
                    fields["appMB"] = .fixed(appMB, 1)
                    fields["functionsInApp"] = .int(functions)
                    fields["floorMB"] = floorMB.map { .fixed($0, 0) } ?? .null
                }
                if let u = used[f.key.app + "/" + f.key.function] {
                    fields["usedPeakMB"] = .fixed(u.peakMB, 1)
                    fields["usedMeanMB"] = .fixed(u.meanMB, 1)
                    fields["usedCalls"] = .int(u.calls)
                }
                rows.append(.object(fields))
            }
        }
        return .object(["functions": .array(rows)])
    }
}
