import Foundation

/// A JSON value written with sorted keys and fixed number formats, so equal results are equal bytes.
public indirect enum JSONValue: Sendable {
    case object([String: JSONValue])
    case array([JSONValue])
    case string(String)
    case int(Int)
    case bool(Bool)
    /// A double written with this many decimals.
    case fixed(Double, Int)
    /// A decimal rounded to this many decimals.
    case decimal(Decimal, Int)
    case null
    /// JSON rendered elsewhere (e.g. the lock-in report), written as it is.
    case raw(String)

    /// Appends the value's text to `out`, nested `indent` spaces deep.
    public func write(into out: inout String, indent: Int = 0) {
        var bytes: [UInt8] = []
        write(into: &bytes, indent: indent)
        out += String(decoding: bytes, as: UTF8.self)
    }

    /// Appends the value's UTF-8 bytes to `out`, nested `indent` spaces deep: the same bytes as
    /// `write(into:indent:)` for a string, without building one.
    public func write(into out: inout [UInt8], indent: Int = 0) {
        var writer = JSONWriter(out: out)
        out = []
        writer.value(self, indent: indent)
        out = writer.out
    }

    /// `text` as a JSON string: quotes, backslashes and control characters escaped.
    public static func quote(_ text: String) -> String {
        var writer = JSONWriter(out: [])
        writer.string(text)
        return String(decoding: writer.out, as: UTF8.self)
    }
}
