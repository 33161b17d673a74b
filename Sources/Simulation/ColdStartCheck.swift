import Foundation
import Results
import Traces

/// A fit's error on the team's own calls: per function, the cold starts the replay predicted on
/// the calibrated target against those the trace observed — the `calibration` section of
/// `placer.result/v1` (docs/result.md).
public struct ColdStartCheck: Sendable {
    /// One function's calls and cold starts, observed and predicted.
    public struct Row: Sendable, Equatable {
        public var key: FunctionKey
        public var calls: Int
        public var observed: Int
        public var predicted: Int
    }

    public var target: String
    public var rows: [Row]

    /// Pairs the trace's observed cold starts (`observed`: calls and cold starts per function)
    /// with `outcome`'s, in the outcome's function order; functions the trace says nothing of are
    /// left out.
    public init(_ outcome: TargetOutcome, observed: [FunctionKey: (calls: Int, cold: Int)]) {
        target = outcome.id
        rows = outcome.functions.compactMap { f in
            let key = FunctionKey(app: f.app, function: f.function)
            guard let seen = observed[key] else { return nil }
            return Row(key: key, calls: seen.calls, observed: seen.cold, predicted: f.outcome.coldStarts)
        }
    }

    public var observed: Int { rows.reduce(0) { $0 + $1.observed } }
    public var predicted: Int { rows.reduce(0) { $0 + $1.predicted } }
    /// (predicted − observed) / observed over all functions; nil without an observed cold start.
    public var relativeError: Double? { observed > 0 ? Double(predicted - observed) / Double(observed) : nil }
    /// Σ |predicted − observed| / Σ observed: per-function misses that the total would hide.
    public var absoluteError: Double? {
        observed > 0 ? Double(rows.reduce(0) { $0 + abs($1.predicted - $1.observed) }) / Double(observed) : nil
    }

    /// The section's JSON; `fit` holds what the calibration file said (target, file, figures).
    public func json(fit: [String: JSONValue]) -> JSONValue {
        var fields = fit
        fields["target"] = .string(target)
        fields["observedColdStarts"] = .int(observed)
        fields["predictedColdStarts"] = .int(predicted)
        fields["relativeError"] = relativeError.map { .fixed($0, 4) } ?? .null
        fields["absoluteError"] = absoluteError.map { .fixed($0, 4) } ?? .null
        fields["functions"] = .array(rows.map { r in
            .object(["id": .string(r.key.app + "/" + r.key.function), "calls": .int(r.calls),
                     "observed": .int(r.observed), "predicted": .int(r.predicted)])
        })
        return .object(fields)
    }
}
