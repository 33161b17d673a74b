import Foundation
import Simulation
import Traces

/// `--window FROM..TO`: seconds from the trace's start. Times are `500ms`, `90s`, `15m`, `2h`,
/// `1d` or sums such as `10h30m`; a bare number is minutes (the trace's own bin); an empty side
/// is the trace's start or end.
public enum ReplayWindow {
    /// FROM and TO in seconds from the trace's start (0 and infinity where a side is empty or no window is given).
    public static func parse(_ text: String?) throws -> (Double, Double) {
        guard let text else { return (0, .infinity) }
        let parts = text.components(separatedBy: "..")
        guard parts.count == 2 else {
            throw UseCaseError.usage("--window: expected FROM..TO, e.g. 60..65 (minutes), 90s..120s or 10h..10h30m; got \(text)")
        }
        let from = try parts[0].trimmingCharacters(in: .whitespaces).isEmpty ? 0 : seconds(parts[0], text)
        let to = try parts[1].trimmingCharacters(in: .whitespaces).isEmpty ? Double.infinity : seconds(parts[1], text)
        guard from < to else { throw UseCaseError.usage("--window: FROM must be before TO in \(text)") }
        return (from, to)
    }

    /// One side of the window, in seconds.
    public static func seconds(_ value: String, _ whole: String) throws -> Double {
        let units: [String: Double] = ["ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86_400]
        let text = value.trimmingCharacters(in: .whitespaces)
        func problem() -> UseCaseError {
            .usage("--window: not a time: \(value) in \(whole) (use 65 for minutes, or 500ms, 90s, 15m, 2h, 1d, 10h30m)")
        }
        if let minutes = Double(text) {
            guard minutes.isFinite, minutes >= 0 else { throw problem() }
            return minutes * 60
        }
        // Number-unit pairs: digits and a dot make the number, letters the unit.
        var total = 0.0, number = "", unit = ""
        func flush() throws {
            guard let n = Double(number), n.isFinite, n >= 0, let factor = units[unit] else { throw problem() }
            total += n * factor
            number = ""; unit = ""
        }
        for character in text {
            if character.isLetter {
                unit.append(character)
            } else {
                if !unit.isEmpty { try flush() }
                number.append(character)
            }
        }
        guard !unit.isEmpty else { throw problem() }
        try flush()
        return total
    }
}

/// `--functions`: names or globs on the function (or APP/FUNCTION), and `busiest:N` for the N
/// busiest of those chosen (ties by app and name, so the choice is reproducible).
public struct FunctionChoice: Sendable {
    /// Names or globs on the function or APP/FUNCTION.
    public var globs: [String] = []
    /// Keep only the N busiest of those chosen.
    public var busiest: Int?
    /// The choice as the user wrote it.
    public var text = ""

    /// The choice written as `--functions` takes it (nil: every function).
    public static func parse(_ text: String?) throws -> FunctionChoice {
        var choice = FunctionChoice()
        guard let text else { return choice }
        choice.text = text
        for item in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !item.isEmpty {
            if item.hasPrefix("busiest:") {
                guard let n = Int(item.dropFirst("busiest:".count)), n > 0 else {
                    throw UseCaseError.usage("--functions busiest:N needs a positive N, got \(item)")
                }
                choice.busiest = n
            } else {
                choice.globs.append(item)
            }
        }
        return choice
    }

    /// The workload cut down to the chosen functions; a glob that matches nothing is an error.
    public func select(_ workload: Workload) throws -> Workload {
        let all = workload.apps.flatMap(\.functions)
        var chosen = all
        if !globs.isEmpty {
            for glob in globs where !all.contains(where: { Self.matches(glob, $0.key) }) {
                throw UseCaseError.usage("no function of the trace matches --functions \(glob)")
            }
            chosen = all.filter { f in globs.contains { Self.matches($0, f.key) } }
        }
        if let busiest {
            chosen = Array(chosen.sorted { ($1.calls.count, $0.key.app, $0.key.function) < ($0.calls.count, $1.key.app, $1.key.function) }
                .prefix(busiest))
        }
        let keep = Set(chosen.map(\.key))
        var selected = workload
        selected.apps = workload.apps.compactMap { app in
            let fs = app.functions.filter { keep.contains($0.key) }
            return fs.isEmpty ? nil : AppWorkload(key: app.key, functions: fs, owner: app.owner)
        }
        guard !selected.apps.isEmpty else { throw UseCaseError.usage("no function of the trace matches --functions \(text)") }
        return selected
    }

    /// Whether a glob matches the function's name or APP/FUNCTION.
    public static func matches(_ glob: String, _ key: FunctionKey) -> Bool {
        fnmatch(glob, key.function, 0) == 0 || fnmatch(glob, key.app + "/" + key.function, 0) == 0
    }
}
