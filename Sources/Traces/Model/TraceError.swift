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
        self.file = Self.oneLine(file)
        self.line = line
        self.column = column
        self.message = Self.oneLine(message)
    }

    /// `text` with line breaks and control characters escaped, so a terminal shows it on one line
    /// as it is (an escape sequence from a file cannot recolour or move anything).
    static func oneLine(_ text: String) -> String {
        func isControl(_ s: Unicode.Scalar) -> Bool {
            s.value < 0x20 || (0x7F...0x9F).contains(s.value) || s == "\u{2028}" || s == "\u{2029}"
        }
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": out.append(contentsOf: "\\n".unicodeScalars)
            case "\r": out.append(contentsOf: "\\r".unicodeScalars)
            case "\t": out.append(contentsOf: "\\t".unicodeScalars)
            case _ where isControl(scalar):
                out.append(contentsOf: "\\u{\(String(scalar.value, radix: 16, uppercase: true))}".unicodeScalars)
            default: out.append(scalar)
            }
        }
        return String(out)
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
