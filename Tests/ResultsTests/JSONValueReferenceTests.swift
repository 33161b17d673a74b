import Foundation
import Testing
@testable import Results

/// The writer `JSONValue` had before it wrote bytes itself (Foundation formatting, string
/// appends): the reference the faster writer must match byte for byte.
enum ReferenceJSONWriter {
    static func write(_ value: JSONValue, into out: inout String, indent: Int = 0) {
        let pad = String(repeating: " ", count: indent)
        switch value {
        case .object(let fields):
            guard !fields.isEmpty else { out += "{}"; return }
            out += "{\n"
            for (i, key) in fields.keys.sorted().enumerated() {
                out += pad + "  " + quote(key) + ": "
                write(fields[key]!, into: &out, indent: indent + 2)
                out += i == fields.count - 1 ? "\n" : ",\n"
            }
            out += pad + "}"
        case .array(let items):
            if items.allSatisfy({ if case .object = $0 { return false }; return true }) {
                out += "["
                for (i, item) in items.enumerated() {
                    if i > 0 { out += ", " }
                    write(item, into: &out, indent: indent)
                }
                out += "]"
                return
            }
            out += "[\n"
            for (i, item) in items.enumerated() {
                out += pad + "  "
                write(item, into: &out, indent: indent + 2)
                out += i == items.count - 1 ? "\n" : ",\n"
            }
            out += pad + "]"
        case .string(let text): out += quote(text)
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

    static func quote(_ text: String) -> String {
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

/// Seeded loops: `JSONValue` writes what `ReferenceJSONWriter` writes, on random values.
@Suite struct JSONValueReferenceTests {
    private func ours(_ value: JSONValue, indent: Int = 0) -> String {
        var out = ""
        value.write(into: &out, indent: indent)
        return out
    }

    private func reference(_ value: JSONValue, indent: Int = 0) -> String {
        var out = ""
        ReferenceJSONWriter.write(value, into: &out, indent: indent)
        return out
    }

    /// A double of any kind: random bits (subnormals, huge, NaN), money-like values, exact ties
    /// at the decimal places written, and values a hair either side of them.
    static func double(_ rng: inout some RandomNumberGenerator, places: Int) -> Double {
        let scale = pow(10, Double(places))
        switch Int.random(in: 0..<7, using: &rng) {
        case 0: return Double(bitPattern: rng.next())
        case 1: return Double.random(in: -1e6...1e6, using: &rng)
        case 2: return (Double(Int.random(in: -2_000_000...2_000_000, using: &rng)) + 0.5) / scale
        case 3: return Double(Int.random(in: -100_000...100_000, using: &rng)) / scale
        case 4:
            let tie = (Double(Int.random(in: -1000...1000, using: &rng)) + 0.5) / scale
            return Bool.random(using: &rng) ? tie.nextUp : tie.nextDown
        case 5: return Double.random(in: -1...1, using: &rng) * pow(10, Double(Int.random(in: -30...30, using: &rng)))
        default: return [0.0, -0.0, 1e15, 9007199254740992, -9007199254740993, 4503599627370495.5, 1e22, .infinity].randomElement(using: &rng)!
        }
    }

    static func string(_ rng: inout some RandomNumberGenerator) -> String {
        var scalars = String.UnicodeScalarView()
        for _ in 0..<Int.random(in: 0...12, using: &rng) {
            let value: UInt32
            switch Int.random(in: 0..<5, using: &rng) {
            case 0: value = UInt32.random(in: 0..<0x20, using: &rng)
            case 1: value = ["\"", "\\", "/", "\u{7f}", "\n"].randomElement(using: &rng)!.unicodeScalars.first!.value
            case 2: value = UInt32.random(in: 0x20..<0x7f, using: &rng)
            case 3: value = UInt32.random(in: 0x80..<0xd800, using: &rng)
            default: value = UInt32.random(in: 0x1_0000..<0x11_0000, using: &rng)
            }
            if let scalar = Unicode.Scalar(value) { scalars.append(scalar) }
        }
        return String(scalars)
    }

    static func decimal(_ rng: inout some RandomNumberGenerator) -> Decimal {
        switch Int.random(in: 0..<4, using: &rng) {
        case 0: return Decimal(Int.random(in: -1_000_000_000...1_000_000_000, using: &rng)) / Decimal(Int.random(in: 1...1_000_000, using: &rng))
        case 1: return Decimal(sign: Bool.random(using: &rng) ? .minus : .plus, exponent: Int.random(in: -40...20, using: &rng),
                               significand: Decimal(UInt64.random(in: 0...UInt64.max, using: &rng)))
        case 2: return Decimal(Double.random(in: -1e9...1e9, using: &rng)) * Decimal(Double.random(in: 0...1, using: &rng))
        default: return Decimal(Int.random(in: -5...5, using: &rng)) * Decimal(string: "0.0000005")!
        }
    }

    static func value(_ rng: inout some RandomNumberGenerator, depth: Int) -> JSONValue {
        switch Int.random(in: 0..<(depth > 0 ? 10 : 8), using: &rng) {
        case 0: return .string(string(&rng))
        case 1: return .int(Int.random(in: Int.min...Int.max, using: &rng))
        case 2: return .bool(Bool.random(using: &rng))
        case 3: let places = Int.random(in: 0...7, using: &rng); return .fixed(double(&rng, places: places), places)
        case 4: return .decimal(decimal(&rng), Int.random(in: 0...8, using: &rng))
        case 5: return .null
        case 6: return .raw(["{\n  \"a\" : 1\n}\n", "[\n  1\n]", "true", "\n\n", "{\n  \"b\" : \"x\\ny\"\n}"].randomElement(using: &rng)!)
        case 7: return .fixed(Double(Int.random(in: -10...10, using: &rng)) / 8, Int.random(in: 0...3, using: &rng))
        case 8:
            var fields: [String: JSONValue] = [:]
            for _ in 0..<Int.random(in: 0...4, using: &rng) { fields[string(&rng)] = value(&rng, depth: depth - 1) }
            return .object(fields)
        default: return .array((0..<Int.random(in: 0...4, using: &rng)).map { _ in value(&rng, depth: depth - 1) })
        }
    }

    @Test func numbersMatchTheReference() {
        for seed in UInt64(1)...20 {
            var rng = SplitMix(seed)
            for _ in 0..<5_000 {
                let places = Int.random(in: 0...7, using: &rng)
                let fixed = JSONValue.fixed(Self.double(&rng, places: places), places)
                #expect(ours(fixed) == reference(fixed), "seed \(seed): \(fixed)")
                let decimal = JSONValue.decimal(Self.decimal(&rng), Int.random(in: 0...8, using: &rng))
                #expect(ours(decimal) == reference(decimal), "seed \(seed): \(decimal)")
            }
        }
    }

    @Test func stringsMatchTheReference() {
        for seed in UInt64(1)...20 {
            var rng = SplitMix(seed)
            for _ in 0..<2_000 {
                let text = Self.string(&rng)
                #expect(ours(.string(text)) == reference(.string(text)), "seed \(seed): \(text.debugDescription)")
            }
        }
    }

    @Test func treesMatchTheReference() {
        for seed in UInt64(1)...200 {
            var rng = SplitMix(seed)
            let tree = Self.value(&rng, depth: 4)
            let indent = Int.random(in: 0...6, using: &rng)
            #expect(ours(tree, indent: indent) == reference(tree, indent: indent), "seed \(seed)")
        }
    }
}

/// SplitMix64: a small seeded generator, so a failing seed reproduces.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(_ seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
