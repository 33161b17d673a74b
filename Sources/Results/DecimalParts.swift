import Foundation

/// A `Decimal`'s sign, exponent and mantissa read from its storage, which Foundation does not
/// expose: `Decimal.description` divides the whole value by ten once per digit, the slowest step
/// of writing a result. The storage is `NSDecimal`'s 20 bytes as swift-foundation lays them out
/// (https://github.com/swiftlang/swift-foundation/blob/main/Sources/FoundationEssentials/Decimal/Decimal.swift,
/// `Decimal.Storage`; docs/sources.md): the exponent (Int8), a byte with the
/// mantissa's length in 16-bit words (high four bits) and the sign (bit 3), two reserved bytes,
/// then eight little-endian 16-bit words, least significant first. Reading is checked against
/// the public `exponent` and `sign` per value and against known values once, so another layout
/// gives nil (and the caller falls back to `description`), never a wrong figure.
enum DecimalParts {
    static func read(_ d: Decimal) -> (negative: Bool, exponent: Int, mantissa: UInt128)? {
        guard layoutKnown else { return nil }
        return unchecked(d)
    }

    private static func unchecked(_ d: Decimal) -> (negative: Bool, exponent: Int, mantissa: UInt128)? {
        guard MemoryLayout<Decimal>.size == 20, !d.isNaN else { return nil }
        return withUnsafeBytes(of: d) { raw -> (Bool, Int, UInt128)? in
            let exponent = Int(Int8(bitPattern: raw[0]))
            let length = Int(raw[1] >> 4), negative = raw[1] & 0x08 != 0
            guard length <= 8, exponent == d.exponent, length == 0 || negative == (d.sign == .minus) else { return nil }
            var mantissa: UInt128 = 0
            for word in (0..<8).reversed() {
                let value = UInt16(raw[4 + 2 * word]) | UInt16(raw[5 + 2 * word]) << 8
                if word >= length { if value != 0 { return nil } else { continue } }
                mantissa = mantissa << 16 | UInt128(value)
            }
            return (negative, exponent, mantissa)
        }
    }

    /// Whether the storage reads as expected on known values (this Foundation's layout).
    static let layoutKnown: Bool = {
        let checks: [(String, Bool, Int, UInt128)] = [
            ("-1234567.891", true, -3, 1_234_567_891), ("1e20", false, 20, 1), ("0.5", false, -1, 5),
            ("340282366920938463463374607431768211455", false, 0, UInt128.max),
        ]
        return checks.allSatisfy { text, negative, exponent, mantissa in
            guard let d = Decimal(string: text), let parts = unchecked(d) else { return false }
            return parts.negative == negative && parts.exponent == exponent && parts.mantissa == mantissa
        }
    }()
}
