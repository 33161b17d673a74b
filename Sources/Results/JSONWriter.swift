import Foundation

/// Writes `JSONValue`s as UTF-8 bytes into one buffer: strings escaped in one scan of their
/// bytes, numbers formatted without Foundation where the digits can be computed exactly.
struct JSONWriter {
    var out: [UInt8]

    mutating func value(_ value: JSONValue, indent: Int) {
        switch value {
        case .object(let fields):
            guard !fields.isEmpty else { bytes("{}"); return }
            bytes("{\n")
            let keys = fields.keys.sorted()
            for (i, key) in keys.enumerated() {
                spaces(indent + 2)
                string(key)
                bytes(": ")
                self.value(fields[key]!, indent: indent + 2)
                bytes(i == keys.count - 1 ? "\n" : ",\n")
            }
            spaces(indent)
            out.append(UInt8(ascii: "}"))
        case .array(let items):
            // Arrays of numbers on one line: series stay readable and compact.
            if items.allSatisfy({ if case .object = $0 { return false }; return true }) {
                out.append(UInt8(ascii: "["))
                for (i, item) in items.enumerated() {
                    if i > 0 { bytes(", ") }
                    self.value(item, indent: indent)
                }
                out.append(UInt8(ascii: "]"))
                return
            }
            bytes("[\n")
            for (i, item) in items.enumerated() {
                spaces(indent + 2)
                self.value(item, indent: indent + 2)
                bytes(i == items.count - 1 ? "\n" : ",\n")
            }
            spaces(indent)
            out.append(UInt8(ascii: "]"))
        case .string(let text): string(text)
        case .int(let n): integer(n)
        case .bool(let b): bytes(b ? "true" : "false")
        case .fixed(let value, let places): fixed(value, places: places)
        case .decimal(let value, let places): decimal(value, places: places)
        case .null: bytes("null")
        case .raw(let text): raw(text, indent: indent)
        }
    }

    /// Appends ASCII text.
    @inline(__always) mutating func bytes(_ text: StaticString) {
        text.withUTF8Buffer { out.append(contentsOf: $0) }
    }

    @inline(__always) mutating func spaces(_ count: Int) {
        out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: count))
    }

    /// A JSON string: `"` and `\` escaped, `\n` and `\t` by name, other control characters as
    /// `\u00xx`; everything else (non-ASCII included) as its UTF-8 bytes.
    mutating func string(_ text: String) {
        out.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { utf8 in
            var start = 0
            for (i, byte) in utf8.enumerated() where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<i]))
                start = i + 1
                switch byte {
                case UInt8(ascii: "\""): bytes("\\\"")
                case UInt8(ascii: "\\"): bytes("\\\\")
                case UInt8(ascii: "\n"): bytes("\\n")
                case UInt8(ascii: "\t"): bytes("\\t")
                default:
                    bytes("\\u00")
                    out.append(Self.hex[Int(byte >> 4)])
                    out.append(Self.hex[Int(byte & 0xf)])
                }
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start...]))
        }
        out.append(UInt8(ascii: "\""))
    }

    private static let hex = Array("0123456789abcdef".utf8)

    mutating func integer(_ n: Int) {
        if n < 0 { out.append(UInt8(ascii: "-")) }
        digits(n.magnitude, atLeast: 1)
    }

    /// The decimal digits of `n`, zero-padded on the left to `atLeast` digits.
    mutating func digits<T: UnsignedInteger & FixedWidthInteger>(_ n: T, atLeast: Int) {
        var buffer: [UInt8] = []
        var n = n
        repeat {
            let (q, r) = n.quotientAndRemainder(dividingBy: 10)
            buffer.append(UInt8(ascii: "0") + UInt8(r))
            n = q
        } while n > 0
        if buffer.count < atLeast { buffer.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: atLeast - buffer.count)) }
        out.append(contentsOf: buffer.reversed())
    }

    /// `value` with `places` decimals, as C's `%.*f` writes it (the exact binary value rounded
    /// half to even), `-` dropped when it rounds to zero, `null` when not finite.
    mutating func fixed(_ value: Double, places: Int) {
        guard value.isFinite else { bytes("null"); return }
        guard let scaled = Self.scaledRoundedExactly(value.magnitude, places: places) else {
            var text = String(format: "%.\(places)f", value)
            if text.hasPrefix("-"), Double(text) == 0 { text.removeFirst() }
            out.append(contentsOf: text.utf8)
            return
        }
        if value < 0, scaled > 0 { out.append(UInt8(ascii: "-")) }
        digits(scaled, atLeast: places + 1)
        if places > 0 { out.insert(UInt8(ascii: "."), at: out.count - places) }
    }

    /// `magnitude × 10^places` rounded half to even, computed exactly in 128-bit integers; nil
    /// where they do not suffice (magnitudes of 2^53 and more, more than 9 places).
    static func scaledRoundedExactly(_ magnitude: Double, places: Int) -> UInt128? {
        guard places >= 0, places <= 9, magnitude < 0x1p53 else { return nil }
        if magnitude == 0 { return 0 }
        // magnitude = significand × 2^exponent exactly, the significand an integer below 2^53.
        let exponent = Int(magnitude.exponent) - 52
        let significand = UInt128(magnitude.significandBitPattern | (magnitude.isNormal ? 1 << 52 : 0))
        let shiftedExponent = magnitude.isNormal ? exponent : -1074
        var power: UInt128 = 1
        for _ in 0..<places { power *= 10 }
        let product = significand * power  // below 2^53 × 10^9 < 2^83
        if shiftedExponent >= 0 { return product << UInt128(shiftedExponent) }
        let shift = -shiftedExponent
        if shift >= 100 { return 0 }  // product < 2^83: below half of 2^shift, rounds to 0
        let quotient = product >> UInt128(shift)
        let remainder = product - (quotient << UInt128(shift))
        let half = UInt128(1) << UInt128(shift - 1)
        if remainder > half || (remainder == half && quotient & 1 == 1) { return quotient + 1 }
        return quotient
    }

    /// `value` rounded half up to `places` decimals, as `NSDecimalRound(.plain)` and then
    /// `Decimal.description` write it: the mantissa divided by a power of ten, rounded half away
    /// from zero, trailing zeros dropped (Foundation compacts the rounded value), then its digits
    /// with a point `-exponent` digits from the right (`0.` and zeros before them where it has
    /// fewer digits, zeros after them where the exponent is positive).
    mutating func decimal(_ value: Decimal, places: Int) {
        guard let parts = DecimalParts.read(value), parts.mantissa > 0 else {
            var rounded = value, v = value
            NSDecimalRound(&rounded, &v, places, .plain)
            out.append(contentsOf: rounded.description.utf8)
            return
        }
        var (exponent, mantissa) = (parts.exponent, parts.mantissa)
        if exponent < -places {
            let cut = -places - exponent
            // The mantissa is below 2^128 < 5 × 10^38: past 38 digits it rounds to zero.
            if cut > 38 {
                mantissa = 0
            } else {
                var power: UInt128 = 1
                for _ in 0..<cut { power *= 10 }
                let (quotient, remainder) = mantissa.quotientAndRemainder(dividingBy: power)
                mantissa = remainder * 2 >= power ? quotient + 1 : quotient
            }
            exponent = -places
            guard mantissa > 0 else { out.append(UInt8(ascii: "0")); return }
            while mantissa % 10 == 0 {
                mantissa /= 10
                exponent += 1
            }
        }
        if parts.negative { out.append(UInt8(ascii: "-")) }
        if exponent >= 0 {
            digits(mantissa, atLeast: 1)
            out.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: exponent))
        } else {
            digits(mantissa, atLeast: -exponent + 1)
            out.insert(UInt8(ascii: "."), at: out.count + exponent)
        }
    }

    /// Raw JSON, trailing newlines dropped, every line after the first indented by `indent`.
    mutating func raw(_ text: String, indent: Int) {
        var text = text
        text.withUTF8 { utf8 in
            var end = utf8.count
            while end > 0, utf8[end - 1] == UInt8(ascii: "\n") { end -= 1 }
            var start = 0
            for i in 0..<end where utf8[i] == UInt8(ascii: "\n") {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start...i]))
                spaces(indent)
                start = i + 1
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<end]))
        }
    }
}
