import Formatting

/// Column layout for the terminal's tables (figures themselves are written by `Numbers`).
public enum Format {
    /// `text` left-aligned in `width` columns, with at least one space after it.
    public static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }

    /// `text` right-aligned in `width` columns, with at least one space before it.
    public static func padLeft(_ text: String, _ width: Int) -> String {
        text.count >= width ? " " + text : String(repeating: " ", count: width - text.count) + text
    }

    /// A short figure for a terminal line: `Numbers.number(value, .significant)`.
    public static func number(_ value: Double) -> String { Numbers.number(value, .significant) }
}
