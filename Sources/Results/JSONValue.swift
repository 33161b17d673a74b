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

    public func write(into out: inout String, indent: Int = 0) {
        let pad = String(repeating: " ", count: indent)
        switch self {
        case .object(let fields):
            guard !fields.isEmpty else { out += "{}"; return }
            out += "{\n"
            for (i, key) in fields.keys.sorted().enumerated() {
                out += pad + "  " + Self.quote(key) + ": "
                fields[key]!.write(into: &out, indent: indent + 2)
                out += i == fields.count - 1 ? "\n" : ",\n"
            }
            out += pad + "}"
        case .array(let items):
            // Arrays of numbers on one line: series stay readable and compact.
            if items.allSatisfy({ if case .object = $0 { return false }; return true }) {
                out += "["
                for (i, item) in items.enumerated() {
                    if i > 0 { out += ", " }
                    item.write(into: &out, indent: indent)
                }
                out += "]"
                return
            }
            out += "[\n"
            for (i, item) in items.enumerated() {
                out += pad + "  "
                item.write(into: &out, indent: indent + 2)
                out += i == items.count - 1 ? "\n" : ",\n"
            }
            out += pad + "]"
        case .string(let text): out += Self.quote(text)
        case .int(let n): out += String(n)
        case .bool(let b): out += b ? "true" : "false"
        case .fixed(let value, let places):
            guard value.isFinite else { out += "null"; return }
            var text = String(format: "%.\(places)f", value)
            if text.hasPrefix("-"), Double(text) == 0 { text.removeFirst() }
            out += text
        case .decimal(let value, let places):
            var v = value, rounded = Decimal()
            NSDecimalRound(&rounded, &v, places, .plain)
            out += rounded.description
        case .null: out += "null"
        case .raw(let text):
            var trimmed = Substring(text)
            while trimmed.last == "\n" { trimmed.removeLast() }
            out += trimmed.replacingOccurrences(of: "\n", with: "\n" + pad)
        }
    }

    public static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 { out += String(format: "\\u%04x", scalar.value) } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out + "\""
    }
}

