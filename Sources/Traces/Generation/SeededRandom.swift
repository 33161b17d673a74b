#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A seeded, portable pseudo-random generator: xoshiro256** seeded through SplitMix64.
///
/// Algorithm: D. Blackman and S. Vigna, "Scrambled linear pseudorandom number generators",
/// ACM TOMS 2021 (xoshiro256**, and SplitMix64 to expand a 64-bit seed into the 256-bit state).
///
/// The integer stream is identical on every machine. Doubles are built from the top 53 bits
/// (never through `Double.random(in:using:)`, whose algorithm is unspecified). Samplers use only
/// `+ − × ÷`, `sqrt` (correctly rounded by IEEE 754) and `log`/`exp`/`pow` from the C library;
/// glibc's are correctly rounded in practice, so outputs written with a few decimals are
/// byte-identical across Linux machines. A different libm could in principle differ in the last
/// bit of a sample.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

    /// Seeds the 256-bit state from `seed` with SplitMix64 (never all zero).
    public init(seed: UInt64) {
        var x = seed
        s0 = Self.splitMix64(&x)
        s1 = Self.splitMix64(&x)
        s2 = Self.splitMix64(&x)
        s3 = Self.splitMix64(&x)
    }

    /// An independent stream for one purpose, keyed by up to three integers (e.g. function, day).
    /// Streams are derived by hashing the keys with SplitMix64, so the order streams are created
    /// in never changes what any one stream produces.
    public init(seed: UInt64, stream a: UInt64, _ b: UInt64 = 0, _ c: UInt64 = 0) {
        var x = seed
        var h = Self.splitMix64(&x)
        for key in [a, b, c] {
            x = h ^ (key &* 0x9E37_79B9_7F4A_7C15)
            h = Self.splitMix64(&x)
        }
        self.init(seed: h)
    }

    /// SplitMix64 (G. Steele, D. Lea, C. Flood, "Fast splittable pseudorandom number generators",
    /// OOPSLA 2014): advances `state` and returns the next mixed value.
    @inlinable public static func splitMix64(_ state: inout UInt64) -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The next 64 random bits (xoshiro256**).
    @inline(__always) public mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = s3 << 45 | s3 >> 19
        return result
    }

    // MARK: Samplers

    /// Uniform in [0, 1): the top 53 bits times 2⁻⁵³.
    @inline(__always) public mutating func uniform() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// Uniform in (0, 1]: never zero, safe under `log`.
    @inline(__always) public mutating func uniformPositive() -> Double {
        Double((next() >> 11) + 1) * 0x1.0p-53
    }

    /// Uniform in [a, b).
    public mutating func uniform(_ a: Double, _ b: Double) -> Double {
        a + (b - a) * uniform()
    }

    /// A uniform integer in 0..<n (n > 0), unbiased: D. Lemire, "Fast random integer generation
    /// in an interval", ACM TOMACS 2019 (multiply-shift with rejection).
    public mutating func int(below n: Int) -> Int {
        precondition(n > 0, "int(below:) needs a positive bound")
        let bound = UInt64(n)
        var product = next().multipliedFullWidth(by: bound)
        if product.low < bound {
            let threshold = (0 &- bound) % bound
            while product.low < threshold { product = next().multipliedFullWidth(by: bound) }
        }
        return Int(product.high)
    }

    /// True with probability `p`.
    @inline(__always) public mutating func bernoulli(_ p: Double) -> Bool {
        uniform() < p
    }

    /// Exponential with the given rate (mean 1/rate), by inversion: −ln(U)/rate, U in (0, 1].
    @inline(__always) public mutating func exponential(rate: Double = 1) -> Double {
        -log(uniformPositive()) / rate
    }

    /// Standard normal by Marsaglia's polar method (G. Marsaglia, T. Bray, SIAM Review 1964);
    /// uses only `log` and `sqrt`. The second value of each pair is discarded so that a draw
    /// never depends on an earlier call's leftovers.
    public mutating func normal() -> Double {
        while true {
            let u = 2 * uniform() - 1
            let v = 2 * uniform() - 1
            let s = u * u + v * v
            if s > 0 && s < 1 { return u * (-2 * log(s) / s).squareRoot() }
        }
    }

    /// Normal with mean `mean` and standard deviation `sd`.
    public mutating func normal(mean: Double, sd: Double) -> Double {
        mean + sd * normal()
    }

    /// Log-normal: exp(μ + σ·Z).
    public mutating func logNormal(mu: Double, sigma: Double) -> Double {
        exp(mu + sigma * normal())
    }

    /// The mean below which `poisson(mean:)` is exact.
    public static let poissonExactLimit = 30.0

    /// Poisson with the given mean. Below `poissonExactLimit` it is exact: inversion by sequential
    /// search (L. Devroye, "Non-Uniform Random Variate Generation", 1986, §X.3.3). From there on it
    /// is an approximation: the normal N(mean, mean) with continuity correction, rounded and
    /// clamped at 0 (its skewness error is 1/√mean ≤ 0.18, and relative error of the mean < 10⁻⁹).
    public mutating func poisson(mean: Double) -> Int {
        guard mean > 0 else { return 0 }
        if mean < Self.poissonExactLimit {
            var k = 0
            var p = exp(-mean)
            var cumulative = p
            let u = uniform()
            while u > cumulative {
                k += 1
                p *= mean / Double(k)
                cumulative += p
                // Guards the tail against rounding: the cumulative sum can stall just below 1.
                if p < 1e-300 && k > Int(mean) { break }
            }
            return k
        }
        let x = (mean + mean.squareRoot() * normal() + 0.5).rounded(.down)
        return x < 0 ? 0 : Int(x)
    }

    /// Burr type XII with shape `c`, `k` and scale `lambda`, by inversion of
    /// F(x) = 1 − (1 + (x/λ)^c)^(−k) (I. W. Burr, Ann. Math. Stat. 1942).
    public mutating func burrXII(c: Double, k: Double, lambda: Double) -> Double {
        let u = uniformPositive()  // survival probability, in (0, 1]
        return lambda * pow(pow(u, -1 / k) - 1, 1 / c)
    }

    /// Picks an index with probability proportional to `weights` (non-negative, not all zero).
    public mutating func pick(weights: [Double]) -> Int {
        let total = weights.reduce(0, +)
        var target = uniform() * total
        for (i, w) in weights.enumerated() {
            if target < w { return i }
            target -= w
        }
        return weights.lastIndex { $0 > 0 } ?? 0
    }
}
