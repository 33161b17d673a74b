/// The JSON-lines protocol between the executor and a function instance (docs/executor.md):
/// one flat JSON object per line, string, number, boolean or null values only.
///
/// The instance, once started and initialised, writes `{"ready":true}`; the executor then writes
/// requests `{"id":N,"function":"f","durationMs":D,"memoryMB":M}` on its standard input, and the
/// instance answers each with `{"id":N,"ok":true}` or `{"id":N,"ok":false,"error":"why"}`, in
/// any order; end of input asks it to exit.
public enum FlatValue: Sendable, Equatable {
    case string(String)
    case number(Double)
    case bool(Bool)
    case null

    public var number: Double? { if case .number(let n) = self { return n } else { return nil } }
    public var string: String? { if case .string(let s) = self { return s } else { return nil } }
    public var bool: Bool? { if case .bool(let b) = self { return b } else { return nil } }
}

/// Parses and writes one line of the protocol.
public enum FlatJSON {
    /// Why a line is not a flat JSON object.
    public struct ParseError: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// Parses one line (without its newline) into its fields.
    public static func parse<C: Collection>(_ bytes: C) throws -> [String: FlatValue] where C.Element == UInt8 {
        var p = Parser(bytes: Array(bytes))
        return try p.object()
    }

    /// Writes fields as one line, keys in the given order, newline included.
    public static func line(_ fields: KeyValuePairs<String, FlatValue>) -> String {
        line(fields.map { ($0.key, $0.value) })
    }

    /// Writes fields as one line, in the array's order, newline included.
    public static func line(_ fields: [(String, FlatValue)]) -> String {
        var out = "{"
        var first = true
        for (key, value) in fields {
            if !first { out += "," }
            first = false
            out += quote(key) + ":"
            switch value {
            case .string(let s): out += quote(s)
            case .number(let n): out += format(n)
            case .bool(let b): out += b ? "true" : "false"
            case .null: out += "null"
            }
        }
        return out + "}\n"
    }

    /// Integers without a fraction, other numbers with up to 6 decimals; from 10^12 up (where a
    /// value in millionths no longer fits an Int64) Swift's shortest exact form, e.g. `1e+16`.
    public static func format(_ n: Double) -> String {
        guard n.isFinite else { return "null" }
        if n == n.rounded(), abs(n) < 1e15 { return String(Int64(n)) }
        guard abs(n) < 1e12 else { return "\(n)" }
        var s = String(Int64((n * 1e6).rounded()))
        let negative = s.hasPrefix("-")
        if negative { s.removeFirst() }
        while s.count < 7 { s = "0" + s }
        var frac = String(s.suffix(6))
        while frac.hasSuffix("0") { frac.removeLast() }
        return (negative ? "-" : "") + s.dropLast(6) + "." + frac
    }

    public static func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out + "\""
    }

    struct Parser {
        let bytes: [UInt8]
        var i = 0

        mutating func fail(_ what: String) -> ParseError {
            ParseError(description: "\(what) at byte \(i + 1)")
        }

        mutating func skipSpace() {
            while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x09 || bytes[i] == 0x0D { i += 1 }
        }

        mutating func expect(_ c: UInt8, _ what: String) throws {
            skipSpace()
            guard i < bytes.count, bytes[i] == c else { throw fail("expected \(what)") }
            i += 1
        }

        mutating func object() throws -> [String: FlatValue] {
            var fields: [String: FlatValue] = [:]
            try expect(UInt8(ascii: "{"), "{")
            skipSpace()
            if i < bytes.count, bytes[i] == UInt8(ascii: "}") {
                i += 1
            } else {
                while true {
                    skipSpace()
                    let key = try string()
                    try expect(UInt8(ascii: ":"), ":")
                    fields[key] = try value()
                    skipSpace()
                    guard i < bytes.count else { throw fail("unterminated object") }
                    if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                    if bytes[i] == UInt8(ascii: "}") { i += 1; break }
                    throw fail("expected , or }")
                }
            }
            skipSpace()
            guard i == bytes.count else { throw fail("text after the object") }
            return fields
        }

        mutating func value() throws -> FlatValue {
            skipSpace()
            guard i < bytes.count else { throw fail("missing value") }
            switch bytes[i] {
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): try word("true"); return .bool(true)
            case UInt8(ascii: "f"): try word("false"); return .bool(false)
            case UInt8(ascii: "n"): try word("null"); return .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                let start = i
                while i < bytes.count, "+-.eE0123456789".utf8.contains(bytes[i]) { i += 1 }
                guard let n = Double(String(decoding: bytes[start..<i], as: UTF8.self)) else { throw fail("bad number") }
                return .number(n)
            default:
                throw fail("unsupported value (only strings, numbers, booleans and null)")
            }
        }

        mutating func word(_ w: String) throws {
            for c in w.utf8 {
                guard i < bytes.count, bytes[i] == c else { throw fail("bad literal") }
                i += 1
            }
        }

        mutating func string() throws -> String {
            guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw fail("expected a string") }
            i += 1
            var out: [UInt8] = []
            while i < bytes.count {
                let c = bytes[i]
                i += 1
                if c == UInt8(ascii: "\"") { return String(decoding: out, as: UTF8.self) }
                if c != UInt8(ascii: "\\") { out.append(c); continue }
                guard i < bytes.count else { break }
                let e = bytes[i]
                i += 1
                switch e {
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "u"):
                    guard i + 4 <= bytes.count, let v = UInt32(String(decoding: bytes[i..<i + 4], as: UTF8.self), radix: 16) else {
                        throw fail("bad \\u escape")
                    }
                    i += 4
                    out += Array(String(Unicode.Scalar(v).map(Character.init) ?? "\u{FFFD}").utf8)
                default: out.append(e)
                }
            }
            throw fail("unterminated string")
        }
    }
}
