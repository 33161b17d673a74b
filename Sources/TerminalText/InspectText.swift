import Formatting
import Foundation
import Store
import Traces

/// Renders a `TraceSummary` as the plain text `placer inspect` prints.
public enum InspectText {
    /// Figures from Shahrad et al., "Serverless in the Wild" (USENIX ATC 2020), §3, printed
    /// beside the trace's own so a user sees whether the trace looks like production.
    static let production = (atMostHourly: 0.45, atMostPerMinute: 0.81, perMinuteApps: 0.186, fromPerMinuteApps: 0.996)

    /// The files, the trace's figures, triggers, shape, percentiles and notes.
    public static func render(_ s: TraceSummary) -> String {
        var out: [String] = []
        out.append("Files (\(s.files.count))")
        for f in s.files {
            var line = "  \(f.name): \(f.format) \(f.kind)"
            if let day = f.day { line += ", day \(day)" }
            line += ", " + Numbers.counted(f.rows, "row")
            if f.skippedRows > 0 { line += ", \(f.skippedRows) skipped" }
            out.append(line)
        }
        out.append("")
        out.append("Trace")
        out.append("  apps           \(s.apps)")
        out.append("  functions      \(s.functions)")
        out.append("  invocations    \(Numbers.count(s.invocations))")
        if let start = s.startSeconds {
            let from = s.clock == .epoch ? date(epochSeconds: start) : "+\(Numbers.duration(seconds: start, .approximate))"
            out.append("  span           \(Numbers.duration(seconds: s.spanSeconds, .approximate)) from \(from)")
        } else {
            out.append("  span           unknown (no times in the trace)")
        }
        if s.invocationsWithoutTime > 0 {
            out.append("  untimed        \(s.invocationsWithoutTime) invocations carry no start time")
        }
        if !s.triggers.isEmpty {
            out.append("")
            out.append("Triggers           functions   invocations")
            let functions = Double(s.triggers.reduce(0) { $0 + $1.functions })
            let invocations = max(s.triggers.reduce(0) { $0 + $1.invocations }, 1)
            for t in s.triggers {
                out.append("  " + Columns.pad(t.trigger, 16) + Columns.padLeft(Numbers.percent(Double(t.functions) / functions, .oneDecimal), 9)
                           + Columns.padLeft(Numbers.percent(t.invocations / invocations, .oneDecimal), 14))
            }
        }
        if s.invocations > 0 && s.spanSeconds > 0 {
            out.append("")
            out.append("Shape                                              this trace   Azure 2019")
            out.append(shapeLine("apps invoked at most once an hour", s.appsAtMostHourly, production.atMostHourly))
            out.append(shapeLine("apps invoked at most once a minute", s.appsAtMostPerMinute, production.atMostPerMinute))
            out.append(shapeLine("apps invoked at least once a minute", s.appsAtLeastPerMinute, production.perMinuteApps))
            out.append(shapeLine("invocations from those apps", s.invocationsFromPerMinuteApps, production.fromPerMinuteApps))
            out.append(shapeLine("invocations from the busiest 10 % of apps", s.invocationsFromTop10PercentApps, nil))
        }
        let levels = TraceSummary.percentileLevels.map { "p\(Int($0))" }
        if !s.durationPercentilesMs.isEmpty {
            out.append("")
            out.append("Duration, ms (\(s.durationBasis))")
            out.append("  " + zip(levels, s.durationPercentilesMs).map { "\($0) \(Numbers.number($1, .significant))" }.joined(separator: "  "))
        }
        if !s.memoryPercentilesMB.isEmpty {
            out.append("")
            out.append("Memory, MB (\(s.memoryBasis))")
            out.append("  " + zip(levels, s.memoryPercentilesMB).map { "\($0) \(Numbers.number($1, .significant))" }.joined(separator: "  "))
        }
        var notes: [String] = []
        if s.functionsWithoutDurations > 0 {
            notes.append("\(s.functionsWithoutDurations) functions have invocations but no duration data; the trace-wide distribution stands in for them")
        }
        if s.appsWithoutMemory > 0 {
            notes.append("\(s.appsWithoutMemory) apps have invocations but no memory data; the trace-wide distribution stands in for them")
        }
        if !s.daysWithoutMemory.isEmpty {
            let days = s.daysWithoutMemory.map(String.init).joined(separator: ", ")
            notes.append("no memory file for day \(days) (the real Azure 2019 trace has none for days 13–14); each app's nearest day with memory data stands in")
        }
        if !notes.isEmpty {
            out.append("")
            out.append("Notes")
            out.append(contentsOf: notes.map { "  - " + $0 })
        }
        return out.joined(separator: "\n") + "\n"
    }

    private static func shapeLine(_ label: String, _ value: Double, _ reference: Double?) -> String {
        "  " + Columns.pad(label, 47) + Columns.padLeft(Numbers.percent(value, .oneDecimal), 11)
            + (reference.map { Columns.padLeft(Numbers.percent($0, .oneDecimal), 13) } ?? "")
    }

    /// A UTC date-time from epoch seconds: 2023-05-01 12:34:56 UTC.
    private static func date(epochSeconds: Double) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss 'UTC'"
        return formatter.string(from: Date(timeIntervalSince1970: epochSeconds))
    }
}
