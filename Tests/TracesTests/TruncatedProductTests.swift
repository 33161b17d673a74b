import Foundation
import Testing
@testable import Traces

/// The Eisel–Lemire reading (`DecimalReading.truncatedProduct`): which shortcut decides which
/// spellings, that the division decides where the truncated product cannot (exact halfway points
/// with a negative exponent), that exact ties round to even, and `strtod`'s double bit for bit
/// over the table's whole range of exponents.
@Suite struct TruncatedProductTests {
    private static func strtodValue(_ text: String) -> Double {
        text.withCString { strtod($0, nil) }
    }

    /// The reading of `text`'s significand and exponent as `DecimalReading.value` reads them.
    private static func reading(_ text: String) -> (value: Double?, path: DecimalReading.Path) {
        var w: UInt64 = 0, exponent = 0, digits = 0, fraction = false
        var bytes = Array(text.utf8)[...]
        while let b = bytes.first, b != 0x65 {
            bytes.removeFirst()
            if b == 0x2E { fraction = true; continue }
            let d = UInt64(b - 48)
            if digits > 0 || d != 0 { w = w * 10 + d; digits += 1 }
            if fraction { exponent -= 1 }
        }
        if !bytes.isEmpty { exponent += Int(String(decoding: bytes.dropFirst(), as: UTF8.self))! }
        precondition(digits <= 19, "the test's spellings have at most 19 digits")
        let r = DecimalReading.reading(significand: w, exponent: exponent)
        // The public reading agrees with the path-reporting one.
        let direct = Array(text.utf8).withUnsafeBufferPointer { DecimalReading.value($0) }
        #expect(direct?.bitPattern == r.value?.bitPattern, "\(text)")
        return r
    }

    /// Checks `text` against strtod and returns the path; records a mismatch.
    @discardableResult
    private static func check(_ text: String) -> DecimalReading.Path {
        let r = reading(text)
        if let value = r.value {
            #expect(value.bitPattern == strtodValue(text).bitPattern, "\(text): read \(value), strtod gives \(strtodValue(text))")
        }
        return r.path
    }

    /// Seconds of a day with 17 significant digits (the traces' timestamps): decided by the
    /// products, the second one about once in 512 (its bound is 2^64 of the 2^74 between
    /// halfway points), never declined. Swift's shortest spellings of doubles (the bench's
    /// timestamps) sit close to their double, far from a halfway point: the first product
    /// decides all of them that Clinger's path does not.
    @Test func timestampsAreDecidedByTheProducts() {
        var random = SeededRandom(seed: 11)
        var paths: [DecimalReading.Path: Int] = [:]
        for _ in 0..<200_000 {
            let whole = 1 + random.int(below: 5)
            var text = String(1 + random.int(below: 9))
            for _ in 1..<whole { text += String(random.int(below: 10)) }
            text += "."
            for _ in 0..<(17 - whole) { text += String(random.int(below: 10)) }
            paths[Self.check(text), default: 0] += 1
        }
        let products = paths[.firstProduct, default: 0] + paths[.secondProduct, default: 0]
        #expect(products + paths[.clinger, default: 0] == 200_000, "\(paths)")
        #expect(products > 150_000, "\(paths)")  // 17 significant digits are mostly beyond 2^53
        #expect(paths[.secondProduct, default: 0] > 100, "\(paths)")
        #expect(paths[.secondProduct, default: 0] < 2_000, "\(paths)")

        var shortest: [DecimalReading.Path: Int] = [:]
        for _ in 0..<100_000 {
            shortest[Self.check("\(random.uniform() * 86_400)"), default: 0] += 1
        }
        #expect(shortest[.firstProduct, default: 0] > 20_000, "\(shortest)")
        #expect(shortest[.firstProduct, default: 0] + shortest[.clinger, default: 0] == 100_000, "\(shortest)")
    }

    /// A halfway point between two doubles written with one to four decimal places: the
    /// truncated 5^q (q < 0) is below the true one, so the product lands one unit below the
    /// halfway bits and cannot decide; the division does, to even. One unit of the last digit
    /// either side is decided by the products.
    @Test func halfwayPointsWithANegativeExponentFallBackToDivision() {
        var random = SeededRandom(seed: 12)
        var checked = 0
        for _ in 0..<20_000 {
            // A double in [2^(52 + shift), 2^(53 + shift)): its ulp is 2^shift, midpoints (2m + 1) · 2^(shift − 1).
            let m = (UInt64(1) << 52) | (random.next() & ((1 << 52) - 1))
            let shift = random.int(below: 4) - 2  // ulp 1/4 … 2
            let places = random.int(below: 4) + 1  // decimal places written
            let k = shift - 1
            guard places >= -k else { continue }  // the midpoint needs -k places
            // (2m + 1) · 2^k written with `places` places: (2m + 1) · 2^k · 10^places as a whole number.
            let odd = 2 * m + 1
            let (product, overflow) = odd.multipliedReportingOverflow(by: UInt64(pow(10.0, Double(places))))
            guard !overflow else { continue }
            let scaled = k >= 0 ? product << UInt64(k) : product >> UInt64(-k)
            guard scaled < 10_000_000_000_000_000_000 else { continue }  // 19 digits at most
            var text = String(scaled)
            text.insert(".", at: text.index(text.endIndex, offsetBy: -places))
            #expect(Self.check(text) == .division, "\(text)")
            for neighbour in [scaled - 1, scaled + 1] {
                var t = String(neighbour)
                t.insert(".", at: t.index(t.endIndex, offsetBy: -places))
                let path = Self.check(t)
                #expect(path == .firstProduct || path == .secondProduct, "\(t): \(path)")
            }
            checked += 1
        }
        #expect(checked > 5_000)
        // By hand: 2^53 + 1 is halfway between 2^53 and 2^53 + 2, and goes to the even one.
        #expect(Self.check("9007199254740993.0") == .division)
        #expect(Self.reading("9007199254740993.0").value == 9_007_199_254_740_992)
        #expect(Self.reading("9007199254740995.000").value == 9_007_199_254_740_996)
        #expect(Self.reading("9007199254740993.001").value == 9_007_199_254_740_994)
    }

    /// Halfway points with an exponent of 0 to 3: the entry is exact, so the product knows the
    /// tie and rounds to even itself.
    @Test func exactTiesRoundToEvenWithoutTheDivision() {
        var random = SeededRandom(seed: 13)
        var products = 0
        for _ in 0..<20_000 {
            let q = random.int(below: 4)
            let five = UInt64(pow(5.0, Double(q)))
            // An odd multiple of 5^q in (2^53, 2^54): the odd part of a halfway point.
            var odd = ((UInt64(1) << 53) + (random.next() & ((1 << 53) - 1))) / five * five
            if odd & 1 == 0 { odd += five }
            guard odd < 1 << 54 else { continue }
            let j = q + random.int(below: 10 - q)  // midpoint odd · 2^j = w · 10^q, w = odd / 5^q · 2^(j − q)
            let w = (odd / five) << UInt64(j - q)
            guard w < 10_000_000_000_000_000_000 else { continue }
            let text = "\(w)e\(q)"
            let path = Self.check(text)
            #expect(path == (w <= 1 << 53 ? .clinger : .secondProduct), "\(text): \(path)")
            if path == .secondProduct { products += 1 }
        }
        #expect(products > 5_000)
        #expect(Self.check("9007199254740993") == .secondProduct)
        #expect(Self.reading("9007199254740993").value == 9_007_199_254_740_992)
        #expect(Self.reading("9007199254740995").value == 9_007_199_254_740_996)
    }

    /// Significands of 1 to 19 digits times 10^q for q across the table and beyond it: strtod's
    /// double wherever one is read; every normal double within the table read by a shortcut
    /// (none declined), every subnormal, infinite or out-of-table one declined.
    @Test func everyExponentMatchesStrtod() {
        var random = SeededRandom(seed: 14)
        var paths: [DecimalReading.Path: Int] = [:]
        for _ in 0..<300_000 {
            let digits = 1 + random.int(below: 19)
            var w: UInt64 = 1 + UInt64(random.int(below: 9))
            for _ in 1..<digits { w = w * 10 + UInt64(random.int(below: 10)) }
            let q = random.int(below: 680) - 350
            let text = "\(w)e\(q)"
            let expected = Self.strtodValue(text)
            let path = Self.check(text)
            paths[path, default: 0] += 1
            let normal = expected.isNormal && expected.isFinite
            let inTable = q >= DecimalPowers.smallestExponent && q <= DecimalPowers.largestExponent
            #expect((path == .declined) == !(normal && inTable), "\(text) → \(expected): \(path)")
        }
        #expect(paths[.firstProduct, default: 0] > 200_000, "\(paths)")
        #expect(paths[.declined, default: 0] > 1_000, "\(paths)")
        // The ends of the normal doubles.
        #expect(Self.reading("17976931348623157e292").value == .greatestFiniteMagnitude)
        #expect(Self.reading("22250738585072014e-324").value == .leastNormalMagnitude)
        #expect(Self.check("22250738585072011e-324") == .declined)  // subnormal: strtod's
        #expect(Self.check("17976931348623159e292") == .declined)  // infinite: strtod's
        #expect(Self.check("1e309") == .declined)
        #expect(Self.check("9999999999999999999e-327") == .declined)  // below the table
        #expect(Self.check("1.5") == .clinger)
        #expect(Self.check("0.000") == .zero)
    }
}
