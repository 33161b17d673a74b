/// Reads a plain decimal spelling (`digits[.digits][e[+-]digits]`) to the `Double` that `strtod`
/// (and `Double(String)`) gives it, rounded to nearest with ties to even, without `strtod`'s
/// general machinery; nil for any other spelling or where no exact shortcut applies, and the
/// caller then asks `strtod`.
///
/// Two exact shortcuts: W. D. Clinger's fast path ("How to read floating point numbers accurately",
/// PLDI 1990): a significand of at most 2^53 times or divided by an exactly representable power of
/// ten (at most 10^22) is one correctly rounded IEEE operation. Otherwise, for up to 19 significant
/// digits and a power of ten up to 10^19, the quotient (or product) is computed in whole numbers
/// (`w·2^s / 10^k` by one 128-by-64-bit division) with its remainder, and rounded to 53 bits by
/// hand: exact by construction. Traces' timestamps have 17 digits, beyond Clinger's path.
enum DecimalReading {
    /// 10^0 … 10^22 as doubles (each exact).
    @usableFromInline static let doublePowers: [Double] = {
        var p = [Double](repeating: 1, count: 23)
        for i in 1..<23 { p[i] = p[i - 1] * 10 }
        return p
    }()

    /// 10^0 … 10^19 as whole numbers.
    @usableFromInline static let integerPowers: [UInt64] = {
        var p = [UInt64](repeating: 1, count: 20)
        for i in 1..<20 { p[i] = p[i - 1] * 10 }
        return p
    }()

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
        if w == 0 { return 0 }
        if w <= 1 << 53 && exponent >= -22 && exponent <= 22 {
            let x = Double(w)
            return exponent >= 0 ? x * doublePowers[exponent] : x / doublePowers[-exponent]
        }
        if exponent < 0 && exponent >= -19 {
            return quotient(w, integerPowers[-exponent])
        }
        if exponent >= 0 && exponent <= 19 {
            let (high, low) = w.multipliedFullWidth(by: integerPowers[exponent])
            guard high == 0 else { return nil }
            return rounded(low, sticky: false, binaryExponent: 0)
        }
        return nil
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
