/// Reads a plain decimal spelling (`digits[.digits][e[+-]digits]`) to the `Double` that `strtod`
/// (and `Double(String)`) gives it, rounded to nearest with ties to even, without `strtod`'s
/// general machinery; nil for any other spelling or where no exact shortcut applies, and the
/// caller then asks `strtod`.
///
/// Three exact shortcuts, tried in turn on `w · 10^q` (w of at most 19 significant digits):
/// W. D. Clinger's fast path ("How to read floating point numbers accurately", PLDI 1990): w of
/// at most 2^53 times or divided by an exactly representable power of ten (at most 10^22) is one
/// correctly rounded IEEE operation. Then D. Lemire's reading (Eisel–Lemire; "Number Parsing at a
/// Gigabyte per Second", https://arxiv.org/abs/2101.11408): w times a 128-bit truncated power of
/// five (`DecimalPowers`), whose error is bounded, so the rounding is decided wherever the bounds
/// lie on one side of a halfway point between two doubles (`truncatedProduct`). Where they do not
/// (exact halfway cases with a negative exponent, and about one spelling in 2^73 otherwise), for
/// q from −19 to −1, `w·2^s / 10^−q` in whole numbers by one 128-by-64-bit division with its
/// remainder, rounded to 53 bits by hand. Traces' timestamps have 17 digits, beyond Clinger's path.
enum DecimalReading {
    /// 10^0 … 10^22 as doubles (each exact), a literal so that no lazy initialisation runs per number.
    @usableFromInline static let doublePowers: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    /// 10^0 … 10^19 as whole numbers, a literal as above.
    @usableFromInline static let integerPowers: [UInt64] = [
        1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000,
        10_000_000_000, 100_000_000_000, 1_000_000_000_000, 10_000_000_000_000, 100_000_000_000_000,
        1_000_000_000_000_000, 10_000_000_000_000_000, 100_000_000_000_000_000,
        1_000_000_000_000_000_000, 10_000_000_000_000_000_000,
    ]

    /// The value of `bytes`, or nil (spelling outside the plain form, more than 19 significant
    /// digits, or beyond the shortcuts' ranges).
    @inlinable static func value(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
        guard let base = bytes.baseAddress else { return nil }
        let n = bytes.count
        var i = 0
        var w: UInt64 = 0
        var digits = 0
        var exponent = 0
        // The digits from i on, into w (leading zeros are not significant); false past 19 digits.
        // `fraction`: each digit moves the decimal point one place.
        @inline(__always) func digitRun(fraction: Bool) -> Bool {
            // Eight digits at a time while they fit in the field and in 19 significant digits:
            // the same w, digits and exponent as the loop below gives them one by one.
            while i &+ 8 <= n {
                let word = UInt64(littleEndian: UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self))
                guard let chunk = eightDigits(word) else { break }
                let significant = digits > 0 ? 8 : (chunk == 0 ? 0 : 8 &- leadingZeroDigits(word))
                guard digits &+ significant <= 19 else { break }
                w = w &* 100_000_000 &+ chunk
                digits &+= significant
                if fraction { exponent &-= 8 }
                i &+= 8
            }
            while i < n {
                let d = base[i] &- 48
                guard d < 10 else { break }
                if digits > 0 || d != 0 {
                    guard digits < 19 else { return false }
                    w = w &* 10 &+ UInt64(d)
                    digits &+= 1
                }
                if fraction { exponent &-= 1 }
                i &+= 1
            }
            return true
        }
        guard digitRun(fraction: false), i > 0 else { return nil }  // must start with a digit
        if i < n && base[i] == 0x2E {
            i &+= 1
            guard digitRun(fraction: true) else { return nil }
        }
        if i < n && (base[i] | 0x20) == 0x65 {
            i &+= 1
            var negative = false
            if i < n && (base[i] == 0x2B || base[i] == 0x2D) {
                negative = base[i] == 0x2D
                i &+= 1
            }
            let start = i
            var e = 0
            while i < n {
                let d = base[i] &- 48
                guard d < 10, i - start < 4 else { return nil }  // four exponent digits at most here
                e = e &* 10 &+ Int(d)
                i &+= 1
            }
            guard i > start else { return nil }  // "1e" is strtod's 1 with "e" left over: refused elsewhere
            exponent &+= negative ? -e : e
        }
        guard i == n else { return nil }
        return value(significand: w, exponent: exponent)
    }

    /// The value of eight ASCII digits (the first in the lowest byte), nil when a byte is not a
    /// digit. The multiplications combine digit pairs, then pairs of pairs, then the two halves
    /// (the method of D. Lemire's fast_float, `parse_eight_digits_unrolled`).
    @inlinable @inline(__always) static func eightDigits(_ word: UInt64) -> UInt64? {
        // Every byte 0x30…0x39: high nibble 3, and adding 6 to the low nibble does not carry.
        guard word & 0xF0F0_F0F0_F0F0_F0F0 == 0x3030_3030_3030_3030,
              (word &+ 0x0606_0606_0606_0606) & 0xF0F0_F0F0_F0F0_F0F0 == 0x3030_3030_3030_3030 else { return nil }
        var v = word & 0x0F0F_0F0F_0F0F_0F0F
        v = (v &* 2561) &>> 8
        v = ((v & 0x00FF_00FF_00FF_00FF) &* 6_553_601) &>> 16
        return ((v & 0x0000_FFFF_0000_FFFF) &* 42_949_672_960_001) &>> 32
    }

    /// How many of the eight digits of `word` (first in the lowest byte) are leading zeros; the
    /// word holds a non-zero digit.
    @inlinable @inline(__always) static func leadingZeroDigits(_ word: UInt64) -> Int {
        (word & 0x0F0F_0F0F_0F0F_0F0F).trailingZeroBitCount &>> 3
    }

    /// `w · 10^exponent`, correctly rounded; nil beyond the exact shortcuts.
    @inlinable static func value(significand w: UInt64, exponent: Int) -> Double? {
        reading(significand: w, exponent: exponent).value
    }

    /// Which shortcut decided a reading (tests check that each is taken where it should be).
    @usableFromInline enum Path: Equatable, Sendable {
        /// w is zero.
        case zero
        /// Clinger's fast path: one IEEE multiplication or division.
        case clinger
        /// The first 64-by-64-bit product with the power of five's high word decided.
        case firstProduct
        /// The second product, with the low word, decided.
        case secondProduct
        /// The truncated product could not decide; the 128-by-64-bit division did.
        case division
        /// No shortcut: left to `strtod` (the value is nil).
        case declined
    }

    /// `w · 10^exponent` correctly rounded, or nil, and the shortcut that decided it. Inlined into
    /// `value`, where the path is unused and optimised away.
    @inlinable @inline(__always)
    static func reading(significand w: UInt64, exponent: Int) -> (value: Double?, path: Path) {
        if w == 0 { return (0, .zero) }
        if w <= 1 << 53 && exponent >= -22 && exponent <= 22 {
            let x = Double(w)
            return (exponent >= 0 ? x * doublePowers[exponent] : x / doublePowers[-exponent], .clinger)
        }
        if exponent >= DecimalPowers.smallestExponent && exponent <= DecimalPowers.largestExponent {
            let product = truncatedProduct(w, exponent)
            if product.decided { return (product.value, product.value == nil ? .declined : product.path) }
        }
        if exponent < 0 && exponent >= -19 {
            return (quotient(w, integerPowers[-exponent]), .division)
        }
        return (nil, .declined)
    }

    /// `w · 10^q` (w nonzero, q within `DecimalPowers`) from w times the truncated 5^q:
    /// `decided` false where the product's error bounds straddle a halfway point (the caller
    /// then divides exactly); a decided nil value is a result outside the normal doubles.
    ///
    /// With w shifted left by `lz` to w' in [2^63, 2^64) and 5^q = (T + δ)·2^E, T the 128-bit
    /// entry and 0 ≤ δ < 1 (δ = 0 exactly for q in 0…55), the value is X · 2^(64 + E + q − lz)
    /// with X = w'·(T + δ) / 2^64 in [2^126, 2^128). With T = Th·2^64 + Tl, A = w'·Th and
    /// B = w'·Tl (128 bits each): X = A + B/2^64 + w'·δ/2^64, so A ≤ X < A + 2^64; and with
    /// U = A + ⌊B/2^64⌋, U ≤ X < U + 2, X = U + (B mod 2^64)/2^64 exactly when δ = 0, X > U when
    /// δ > 0. The double is X's top 53 bits, rounded at bit 74 + (X's top bit): the rounding
    /// changes only at the halfway points, so a bound on one side of each decides it.
    @inlinable @inline(__always)
    static func truncatedProduct(_ w: UInt64, _ q: Int) -> (decided: Bool, value: Double?, path: Path) {
        let lz = w.leadingZeroBitCount
        let v = w &<< UInt64(lz)
        let index = (q &- DecimalPowers.smallestExponent) &* 2
        var (high, low) = v.multipliedFullWidth(by: DecimalPowers.fiveToThe[index])
        // X's dropped bits are `high`'s low 10 (or 11) bits and all of `low`; halfway is
        // `half` in `high`, zero in `low`.
        var top = high &>> 63
        var half: UInt64 = 1 &<< (9 &+ top)
        var dropped = high & (half &<< 1 &- 1)
        var path = Path.firstProduct
        // Where the first product decides: dropped ≤ half − 2, X < A + 2^64 ≤ halfway, down;
        // dropped > half, or = half with low ≠ 0, X ≥ A > halfway, up. A value, not a branch:
        // which way a timestamp rounds is a coin toss the branch predictor cannot learn.
        var up = dropped >= half
        if dropped &+ 1 == half || (dropped == half && low == 0) {
            path = .secondProduct
            let (carry, lowest) = v.multipliedFullWidth(by: DecimalPowers.fiveToThe[index &+ 1])
            let (sum, overflow) = low.addingReportingOverflow(carry)
            low = sum
            if overflow { high &+= 1 }
            top = high &>> 63
            half = 1 &<< (9 &+ top)
            dropped = high & (half &<< 1 &- 1)
            let exact = q >= DecimalPowers.exactExponents.lowerBound && q <= DecimalPowers.exactExponents.upperBound
            // r = (dropped, low) against halfway H = (half, 0): r ≤ H − 2 down (X < U + 2);
            // r = H − 1 down if exact (X < U + 1), else undecided (X in (H − 1, H + 1)); r = H a
            // tie if exact and nothing below U (X = U), else up (X > U); r > H up.
            if dropped < half &- 1 || (dropped == half &- 1 && (low != UInt64.max || exact)) {
                up = false
            } else if dropped == half &- 1 {
                return (false, nil, .division)
            } else if dropped == half && low == 0 && exact && lowest == 0 {
                up = (high &>> (10 &+ top)) & 1 == 1  // a tie: to even
            } else {
                up = true
            }
        }
        // The double is m · 2^(74 + top + 64 + E + q − lz), m in [2^52, 2^53), E + q =
        // ⌊q·log2 10⌋ − 127 (the formula below: `DecimalPowersTests` checks it on every q), so
        // its unbiased exponent is 63 + top − lz + ⌊q·log2 10⌋.
        var biased = 63 &+ Int(top) &- lz &+ ((q &* 217_706) &>> 16) &+ 1023
        guard biased >= 1 else { return (true, nil, path) }  // subnormal (or zero): strtod's
        var m = (high &>> (10 &+ top)) &+ (up ? 1 : 0)
        let carry = m &>> 53  // 1 where rounding up reached 2^53: m becomes 2^52, one binade up
        m &>>= carry
        biased &+= Int(carry)
        guard biased <= 2046 else { return (true, nil, path) }  // beyond the largest double
        return (true, Double(bitPattern: UInt64(biased) &<< 52 | (m & (1 &<< 52 &- 1))), path)
    }

    /// `w / d` correctly rounded: `w·2^s / d` in whole numbers with at least 54 bits of quotient.
    @usableFromInline static func quotient(_ w: UInt64, _ d: UInt64) -> Double {
        let wBits = 64 - w.leadingZeroBitCount, dBits = 64 - d.leadingZeroBitCount
        let s = max(0, 54 + dBits - wBits)  // at most 117: w·2^s has 54 + dBits ≤ 118 bits
        let high: UInt64, low: UInt64
        if s == 0 {
            (high, low) = (0, w)
        } else if s < 64 {
            (high, low) = (w >> (64 - s), w << s)
        } else {
            (high, low) = (w << (s - 64), 0)
        }
        // The quotient is below 2^(wBits + s - dBits + 1) ≤ 2^64 (wBits > 54 + dBits when s = 0 …
        // below 2^(64 - dBits + 1)), so it fits: high < d.
        let (q, r) = d.dividingFullWidth((high, low))
        return rounded(q, sticky: r != 0, binaryExponent: -s)
    }

    /// `q · 2^binaryExponent` rounded to 53 bits (ties to even), `sticky` saying that nonzero bits
    /// were dropped below `q`. The result is a normal double for every caller's range.
    @usableFromInline static func rounded(_ q: UInt64, sticky: Bool, binaryExponent: Int) -> Double {
        let bits = 64 - q.leadingZeroBitCount
        guard bits > 53 else {
            // Exact in 53 bits; `sticky` cannot be set here (callers give ≥ 54 bits then).
            return Double(sign: .plus, exponent: binaryExponent, significand: Double(q))
        }
        var extra = bits - 53
        var m = q >> extra
        let dropped = q & ((1 << extra) - 1)
        let half: UInt64 = 1 << (extra - 1)
        if dropped > half || (dropped == half && (sticky || m & 1 == 1)) {
            m += 1
            if m == 1 << 53 { m >>= 1; extra += 1 }
        }
        return Double(sign: .plus, exponent: binaryExponent + extra, significand: Double(m))
    }
}
