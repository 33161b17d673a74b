import Formatting
import Foundation
import Results

/// The fit of a target's keep-alive and cold start to the team's own trace (`calibration`, from
/// `--calibration FILE` of `placer calibrate --from`): the fitted figures and their error on the
/// trace's calls, cold starts predicted against observed per function (the most missed first).
enum CalibrationSection {
    /// Functions listed; the rest are summed in the totals.
    static let shown = 15

    static func blocks(_ c: ReportContext) -> [Block] {
        guard let fit = c.calibration, let target = fit["target"]?.string else { return [] }
        func seconds(_ key: String) -> String { fit[key]?.double.map { Numbers.fixed($0, 1) + " s" } ?? "open" }
        var intro = "\(Text.md(target))'s keep-alive and cold start were fitted to the cold starts observed in "
            + "\(Text.md(fit["trace"]?.string ?? "the trace")) (`\(Text.md(fit["file"]?.string ?? ""))`, confidence observed): "
            + "an idle timeout of **\(seconds("keepAliveSeconds"))**, between the longest idle gap that stayed warm "
            + "(\(seconds("longestWarmSeconds"))) and the shortest that went cold (\(seconds("shortestColdSeconds"))); "
            + "\(Numbers.count(fit["disagreeing"]?.double ?? 0)) of \(Numbers.count(fit["observations"]?.double ?? 0)) observations disagree with it."
        if let cold = fit["coldStart"], !cold.isNull {
            intro += " Cold start: log-normal, median \(Numbers.fixed(cold["medianMs"]?.double ?? 0, 1)) ms, "
                + "p99 \(Numbers.fixed(cold["p99Ms"]?.double ?? 0, 1)) ms, from \(Numbers.count(cold["samples"]?.double ?? 0)) init times."
        }
        let observed = fit["observedColdStarts"]?.double ?? 0, predicted = fit["predictedColdStarts"]?.double ?? 0
        var error = "Replayed with the fit, the trace's own calls give \(Numbers.count(predicted)) cold starts against "
            + "\(Numbers.count(observed)) observed"
        if let r = fit["relativeError"]?.double { error += " (\(Numbers.percent(r, .signedChange)) in total" }
        if let a = fit["absoluteError"]?.double { error += "; per function, |predicted − observed| sums to \(Numbers.percent(a, .oneDecimal)) of the observed)" } else { error += ")" }
        error += "."
        let functions = (fit["functions"]?.array ?? []).sorted {
            let a = abs(($0["predicted"]?.double ?? 0) - ($0["observed"]?.double ?? 0))
            let b = abs(($1["predicted"]?.double ?? 0) - ($1["observed"]?.double ?? 0))
            return a != b ? a > b : ($0["id"]?.string ?? "") < ($1["id"]?.string ?? "")
        }
        let rows = functions.prefix(shown).map { f -> [String] in
            let o = f["observed"]?.double ?? 0, p = f["predicted"]?.double ?? 0
            return [display(f["id"]?.string ?? "?"), Numbers.count(f["calls"]?.double ?? 0), Numbers.count(o), Numbers.count(p),
                    o > 0 ? Numbers.percent((p - o) / o, .signedChange) : "–"]
        }
        var parts = ["## Calibration from the team's logs", intro, error]
        if !rows.isEmpty {
            let more = functions.count > shown ? " (the \(shown) most missed of \(functions.count))" : ""
            parts.append("Cold starts per function\(more):")
            parts.append(table(["function", "calls", "observed", "predicted", "error"], rows, right: [1, 2, 3, 4]))
        }
        return [.text(parts.joined(separator: "\n\n"))]
    }

    /// `app/function` as the other sections show it: the function alone where it is its own app.
    static func display(_ id: String) -> String {
        let parts = id.split(separator: "/", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { return Text.md(id) }
        return parts[0] == parts[1] ? Text.name(parts[0]) : Text.id(app: parts[0], function: parts[1])
    }
}
