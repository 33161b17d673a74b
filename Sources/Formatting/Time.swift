import Foundation

extension Numbers {
    /// How a latency or duration in milliseconds is written.
    public enum MillisecondStyle: Sendable {
        /// With its unit: `3.5 ms` below 10 ms, `338 ms`, `1,234 ms`, `60.2 s` from 10 s (the report).
        case withUnit
        /// For a column headed `ms`: one decimal below 100, whole above: `12.5`, `1,234` (compare).
        case column
        /// A change in such a column: `+12.5`, `-1,234`, `0.0`.
        case signedColumn
    }

    /// Milliseconds in `style`; `–` when not finite.
    public static func ms(_ value: Double, _ style: MillisecondStyle) -> String {
        guard value.isFinite else { return "–" }
        switch style {
        case .withUnit:
            if value >= 10_000 { return String(format: "%.1f s", value / 1000) }
            if value >= 10 { return grouped(String(format: "%.0f", value)) + " ms" }
            return String(format: "%.1f ms", value)
        case .column:
            return value < 100 ? String(format: "%.1f", value) : count(value)
        case .signedColumn:
            let text = abs(value) < 100 ? String(format: "%+.1f", value) : (value >= 0 ? "+" : "-") + count(abs(value))
            return text == "+0.0" || text == "-0.0" ? "0.0" : text
        }
    }

    /// How a span of seconds is written.
    public enum DurationStyle: Sendable {
        /// Rounded to the unit that reads best: `45 s`, `12 min`, `3.5 h`, `14.0 days` (inspect).
        case approximate
        /// Exactly, as a setting is written: `1 day`, `3 days`, `2 h`, `15 min`, `90.0 s` (keep-alive, limits).
        case exact
    }

    /// Seconds in `style`.
    public static func duration(seconds s: Double, _ style: DurationStyle) -> String {
        switch style {
        case .approximate:
            if s < 120 { return String(format: "%.0f s", s) }
            if s < 7200 { return String(format: "%.0f min", s / 60) }
            if s < 172_800 { return String(format: "%.1f h", s / 3600) }
            return String(format: "%.1f days", s / 86_400)
        case .exact:
            if s >= 86_400, s.truncatingRemainder(dividingBy: 86_400) == 0 { return s == 86_400 ? "1 day" : "\(count(s / 86_400)) days" }
            if s >= 3600, s.truncatingRemainder(dividingBy: 3600) == 0 { return "\(count(s / 3600)) h" }
            return s >= 60 && s.truncatingRemainder(dividingBy: 60) == 0 ? "\(count(s / 60)) min" : "\(s) s"
        }
    }

    /// A trace's span: `3.0 hours` below a day, `2.00 days` from there.
    public static func span(days: Double) -> String {
        days < 1 ? String(format: "%.1f hours", days * 24) : String(format: "%.2f days", days)
    }
}
