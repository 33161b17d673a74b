import Foundation

/// Number and time formatting shared by the text and markdown renderers; locale-independent,
/// so output is the same byte for byte on every machine.
public enum Format {
    /// A count with thousands separators: 1,234,567.
    public static func count(_ value: Double) -> String {
        let n = Int(value.rounded())
        let digits = String(n.magnitude)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return (n < 0 ? "-" : "") + out
    }

    /// "1 row", "2 rows": a count with its noun, plural when it is not one.
    public static func counted(_ n: Int, _ noun: String) -> String {
        "\(n) \(noun)\(n == 1 ? "" : "s")"
    }

    /// A share as a percentage with one decimal: 45.2 %.
    public static func percent(_ share: Double) -> String {
        String(format: "%.1f %%", share * 100)
    }

    /// A number with three significant digits, or whole above 1,000.
    public static func number(_ value: Double) -> String {
        if value >= 1000 { return count(value) }
        if value >= 100 { return String(format: "%.0f", value) }
        if value >= 10 { return String(format: "%.1f", value) }
        return String(format: "%.2f", value)
    }

    /// A duration: 45 s, 12 min, 3.5 h, 14 days.
    public static func duration(_ seconds: Double) -> String {
        if seconds < 120 { return String(format: "%.0f s", seconds) }
        if seconds < 7200 { return String(format: "%.0f min", seconds / 60) }
        if seconds < 172_800 { return String(format: "%.1f h", seconds / 3600) }
        return String(format: "%.1f days", seconds / 86_400)
    }

    /// A UTC date-time from epoch seconds: 2023-05-01 12:34:56 UTC.
    public static func date(epochSeconds: Double) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss 'UTC'"
        return formatter.string(from: Date(timeIntervalSince1970: epochSeconds))
    }

    public static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }

    public static func padLeft(_ text: String, _ width: Int) -> String {
        text.count >= width ? " " + text : String(repeating: " ", count: width - text.count) + text
    }
}
