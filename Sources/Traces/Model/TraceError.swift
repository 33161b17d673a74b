import InputLimits

/// A problem with a user's trace, located as precisely as the input allows.
///
/// Its description is one line in the `file:line:column: message` form that editors understand.
public struct TraceError: Error, Sendable, Equatable, CustomStringConvertible {
    public let file: String
    public let line: Int?
    public let column: Int?
    public let message: String

    /// Text quoted from the file (a field, a header name) keeps to one line: line breaks and other
    /// control characters in `file` and `message` are written as escapes (`\n`, `\u{1B}`).
    public init(file: String, line: Int? = nil, column: Int? = nil, message: String) {
        self.file = OneLine.escaped(file)
        self.line = line
        self.column = column
        self.message = OneLine.escaped(message)
    }

    public var description: String {
        var location = file
        if let line { location += ":\(line)" }
        if line != nil, let column { location += ":\(column)" }
        return "\(location): \(message)"
    }
}

/// A problem confined to one row, which `--skip-invalid-rows` may skip.
public struct RowProblem: Error, Sendable, Equatable {
    /// 1-based field number.
    public let column: Int
    public let message: String
    /// A short reason used to count skipped rows ("non-numeric value", "wrong field count", ...).
    public let reason: String

    public init(column: Int, reason: String, message: String) {
        self.column = column
        self.reason = reason
        self.message = message
    }
}
