import Testing
@testable import Traces

/// Every entry of `DecimalPowers` against whole-number arithmetic: the truncated 5^q it claims to
/// be, its exactness where the reading relies on it, the exponent formula the reading uses, and
/// the table's range (the exponents beyond it cannot give a normal double).
@Suite struct DecimalPowersTests {
    /// A non-negative whole number of any size, in 32-bit limbs (least significant first): just
    /// what the checks need (×small, ×2^k, comparison, bit width).
    struct Whole: Comparable {
        var limbs: [UInt32]

        init(_ value: UInt64) {
            limbs = [UInt32(truncatingIfNeeded: value), UInt32(truncatingIfNeeded: value >> 32)]
            trim()
        }

        /// high · 2^64 + low.
        init(high: UInt64, low: UInt64) {
            limbs = [UInt32(truncatingIfNeeded: low), UInt32(truncatingIfNeeded: low >> 32),
                     UInt32(truncatingIfNeeded: high), UInt32(truncatingIfNeeded: high >> 32)]
            trim()
        }

        /// 2^k.
        static func twoToThe(_ k: Int) -> Whole { Whole(1).shifted(by: k) }

        /// base^n for a small base.
        static func power(_ base: UInt32, _ n: Int) -> Whole {
            var p = Whole(1)
            for _ in 0..<n { p = p.times(base) }
            return p
        }

        mutating func trim() { while limbs.count > 1 && limbs.last == 0 { limbs.removeLast() } }

        func times(_ m: UInt32) -> Whole {
            var out = Whole(0)
            out.limbs = []
            var carry: UInt64 = 0
            for limb in limbs {
                let t = UInt64(limb) * UInt64(m) + carry
                out.limbs.append(UInt32(truncatingIfNeeded: t))
                carry = t >> 32
            }
            if carry > 0 { out.limbs.append(UInt32(carry)) }
            out.trim()
            return out
        }

        func times(_ other: Whole) -> Whole {
            var acc = [UInt64](repeating: 0, count: limbs.count + other.limbs.count + 1)
            for (i, a) in limbs.enumerated() {
                var carry: UInt64 = 0
                for (j, b) in other.limbs.enumerated() {
                    let t = acc[i + j] + UInt64(a) * UInt64(b) + carry
                    acc[i + j] = t & 0xFFFF_FFFF
                    carry = t >> 32
                }
                var k = i + other.limbs.count
                while carry > 0 {
                    let t = acc[k] + carry
                    acc[k] = t & 0xFFFF_FFFF
                    carry = t >> 32
                    k += 1
                }
            }
            var out = Whole(0)
            out.limbs = acc.map { UInt32($0) }
            out.trim()
            return out
        }

        func plus(_ small: UInt32) -> Whole {
            var out = self
            var carry = UInt64(small)
            var i = 0
            while carry > 0 {
                if i == out.limbs.count { out.limbs.append(0) }
                let t = UInt64(out.limbs[i]) + carry
                out.limbs[i] = UInt32(truncatingIfNeeded: t)
                carry = t >> 32
                i += 1
            }
            return out
        }

        func shifted(by k: Int) -> Whole {
            var out = self
            for _ in 0..<(k / 32) { out.limbs.insert(0, at: 0) }
            let bits = k % 32
            if bits > 0 { out = out.times(UInt32(1) << UInt32(bits)) }
            out.trim()
            return out
        }

        /// The number of bits (0 for zero).
        var bitWidth: Int {
            guard let last = limbs.last, last != 0 else { return 0 }
            return (limbs.count - 1) * 32 + (32 - last.leadingZeroBitCount)
        }

        static func < (a: Whole, b: Whole) -> Bool {
            if a.limbs.count != b.limbs.count { return a.limbs.count < b.limbs.count }
            for i in stride(from: a.limbs.count - 1, through: 0, by: -1) where a.limbs[i] != b.limbs[i] {
                return a.limbs[i] < b.limbs[i]
            }
            return false
        }
    }

    @Test func wholeNumbersAgreeWithUInt64() {
        var random = SeededRandom(seed: 3)
        for _ in 0..<1_000 {
            let a = random.next() >> 1, b = UInt32(truncatingIfNeeded: random.next())
            let (high, low) = a.multipliedFullWidth(by: UInt64(b))
            #expect(Whole(a).times(b) == Whole(high: high, low: low))
            #expect(Whole(a).times(Whole(UInt64(b))) == Whole(high: high, low: low))
            #expect(Whole(a).bitWidth == 64 - a.leadingZeroBitCount)
            #expect(Whole(a).shifted(by: 1) == Whole(high: a >> 63, low: a << 1))
            #expect(Whole(a).plus(b) == Whole(a &+ UInt64(b)))
        }
        #expect(Whole.power(5, 55).bitWidth == 128 && Whole.power(5, 56).bitWidth == 131)
    }

    /// Entry q is ⌊5^q · 2^(127 − ⌊log2 5^q⌋)⌋: in [2^127, 2^128), exactly 5^q's bits for q in
    /// `exactExponents` (and only there), within one unit below the true value elsewhere.
    @Test func everyEntryIsTheTruncatedPowerOfFive() {
        let table = DecimalPowers.fiveToThe
        #expect(table.count == 2 * (DecimalPowers.largestExponent - DecimalPowers.smallestExponent + 1))
        for q in DecimalPowers.smallestExponent...DecimalPowers.largestExponent {
            let i = 2 * (q - DecimalPowers.smallestExponent)
            let t = Whole(high: table[i], low: table[i + 1])
            #expect(t.bitWidth == 128, "5^\(q): not normalised")
            let p = Whole.power(5, abs(q))
            let width = p.bitWidth
            if q >= 0 {
                if width <= 128 {
                    #expect(t == p.shifted(by: 128 - width), "5^\(q): not exact")
                    #expect(DecimalPowers.exactExponents.contains(q), "5^\(q) is exact")
                } else {
                    // t · 2^(width − 128) ≤ 5^q < (t + 1) · 2^(width − 128)
                    #expect(t.shifted(by: width - 128) <= p, "5^\(q): above the true value")
                    #expect(p < t.plus(1).shifted(by: width - 128), "5^\(q): more than a unit below")
                    #expect(!DecimalPowers.exactExponents.contains(q), "5^\(q) is not exact")
                }
            } else {
                // t ≤ 2^(127 + width) / 5^−q < t + 1
                let scaled = Whole.twoToThe(127 + width)
                #expect(t.times(p) <= scaled, "5^\(q): above the true value")
                #expect(scaled < t.plus(1).times(p), "5^\(q): more than a unit below")
                #expect(!DecimalPowers.exactExponents.contains(q))
            }
        }
    }

    /// The reading's exponent: `(q · 217706) >> 16` is ⌊log2 10^q⌋ on every exponent of the table.
    @Test func exponentFormulaIsFloorOfLog2OfTenToThe() {
        for q in DecimalPowers.smallestExponent...DecimalPowers.largestExponent {
            let width = Whole.power(10, abs(q)).bitWidth
            // ⌊log2 10^q⌋ = width − 1 for q ≥ 0; −⌈log2 10^−q⌉ = −width for q < 0 (10^n, n ≥ 1, is no power of two).
            let exact = q >= 0 ? width - 1 : -width
            #expect((q * 217_706) >> 16 == exact, "q = \(q)")
        }
    }

    /// The range: below 10^−326 even the largest significand (2^64 − 1) gives less than the
    /// smallest normal double 2^−1022, at 10^−326 it does not; 10^308 is below the largest double,
    /// 10^309 above it for every nonzero significand.
    @Test func rangeHoldsEveryNormalResult() {
        let largest = Whole(UInt64.max)
        let low = DecimalPowers.smallestExponent
        // (2^64 − 1) · 10^low ≥ 2^−1022  ⟺  (2^64 − 1) · 2^1022 ≥ 10^−low
        #expect(Whole.power(10, -low) <= largest.shifted(by: 1022))
        #expect(largest.shifted(by: 1022) < Whole.power(10, -low + 1))
        // 10^308 < 2^1024 ≤ 10^309
        #expect(Whole.power(10, DecimalPowers.largestExponent) < Whole.twoToThe(1024))
        #expect(Whole.twoToThe(1024) <= Whole.power(10, DecimalPowers.largestExponent + 1))
    }
}
