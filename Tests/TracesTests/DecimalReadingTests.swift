import Foundation
import Testing
@testable import Traces

/// `DecimalReading` must give `strtod`'s double bit for bit, or decline (nil) and leave the
/// spelling to `strtod`: seeded random spellings of every shape traces use, exact halfway cases
/// between two doubles and their neighbours, and crafted edges.
@Suite struct DecimalReadingTests {
    /// Checks one spelling; returns false (after recording) on a mismatch.
    private static func agrees(_ text: [UInt8], declined: inout Int) -> Bool {
        let terminated = text + [0]
        let expected = terminated.withUnsafeBufferPointer { p in
            p.baseAddress!.withMemoryRebound(to: CChar.self, capacity: p.count) { strtod($0, nil) }
        }
        guard let got = text.withUnsafeBufferPointer({ DecimalReading.value($0) }) else {
            declined += 1
            return true
        }
        guard got.bitPattern == expected.bitPattern else {
            Issue.record("\"\(String(decoding: text, as: UTF8.self))\": read \(got), strtod gives \(expected)")
            return false
        }
        return true
    }

    private static func digits(_ random: inout SeededRandom, _ n: Int, into out: inout [UInt8], nonZeroFirst: Bool = false) {
        for k in 0..<n {
            let d = nonZeroFirst && k == 0 ? 1 + random.int(below: 9) : random.int(below: 10)
            out.append(UInt8(48 + d))
        }
    }

    @Test(arguments: [1, 2, 3, 4])
    func randomSpellingsMatchStrtodBitForBit(seed: UInt64) {
        var random = SeededRandom(seed: seed)
        var declined = [Int](repeating: 0, count: 6), failures = 0
        for _ in 0..<500_000 where failures < 10 {
            var text: [UInt8] = []
            let shape = random.int(below: 6)
            switch shape {
            case 0:  // a trace's seconds: up to five integer digits, 17 significant digits in all
                let whole = 1 + random.int(below: 5)
                Self.digits(&random, whole, into: &text, nonZeroFirst: true)
                text.append(0x2E)
                Self.digits(&random, 17 - whole + random.int(below: 3) - 1, into: &text)
            case 1:  // an epoch time with a fraction
                Self.digits(&random, 10, into: &text, nonZeroFirst: true)
                text.append(0x2E)
                Self.digits(&random, random.int(below: 10), into: &text)
            case 2:  // a duration in ms
                Self.digits(&random, 1 + random.int(below: 6), into: &text)
                if random.int(below: 4) > 0 {
                    text.append(0x2E)
                    Self.digits(&random, random.int(below: 7), into: &text)
                }
            case 3:  // leading zeros, any length of digits
                for _ in 0..<random.int(below: 6) { text.append(0x30) }
                Self.digits(&random, 1 + random.int(below: 21), into: &text)
                if random.int(below: 2) == 0 {
                    text.append(0x2E)
                    for _ in 0..<random.int(below: 8) { text.append(0x30) }
                    Self.digits(&random, random.int(below: 21), into: &text)
                }
            case 4:  // exponents
                Self.digits(&random, 1 + random.int(below: 20), into: &text)
                if random.int(below: 2) == 0 {
                    text.append(0x2E)
                    Self.digits(&random, random.int(below: 12), into: &text)
                }
                text.append(random.int(below: 2) == 0 ? 0x65 : 0x45)
                switch random.int(below: 3) {
                case 0: text.append(0x2D)
                case 1: text.append(0x2B)
                default: break
                }
                Self.digits(&random, 1 + random.int(below: 2), into: &text)
            default:  // a random double's shortest spelling (Swift's), and with digits cut
                let value = Double(bitPattern: random.next() & 0x7FEF_FFFF_FFFF_FFFF)
                let x = random.int(below: 2) == 0 ? value : random.uniform() * pow(10, Double(random.int(below: 30)) - 10)
                var spelling = Array("\(x)".utf8)
                if random.int(below: 3) == 0, spelling.count > 3 { spelling.removeLast(random.int(below: spelling.count / 2)) }
                text = spelling
            }
            if !Self.agrees(text, declined: &declined[shape]) { failures += 1 }
        }
        // The shortcuts must carry the spellings traces use (seconds, epoch times, durations),
        // or they would not be shortcuts.
        #expect(declined[0...2] == [0, 0, 0], "declined by shape: \(declined)")
    }

    /// Exact midpoints between two adjacent doubles (round to even) and the spellings one unit
    /// of the last digit either side (round away from the midpoint).
    @Test func halfwayCasesRoundLikeStrtod() {
        var random = SeededRandom(seed: 99)
        var declined = 0
        for _ in 0..<200_000 {
            // A double in [2^50, 2^54): its midpoints have at most 3 fraction digits, or are whole.
            let m = (UInt64(1) << 52) | (random.next() & ((1 << 52) - 1))
            let shift = random.int(below: 4)  // ulp 2^(shift-2)
            let ulpExponent = shift - 2
            // Midpoint = (2m + 1) · 2^(ulpExponent - 1), written exactly in decimal.
            let odd = 2 * m + 1
            let k = ulpExponent - 1
            var text: [UInt8]
            if k >= 0 {
                text = Array(String(odd << UInt64(k)).utf8)
            } else {
                // odd / 2^-k = odd · 5^-k / 10^-k
                let scaled = odd * UInt64(pow(5.0, Double(-k)))
                var s = Array(String(scaled).utf8)
                s.insert(0x2E, at: s.count + k)
                text = s
            }
            #expect(Self.agrees(text, declined: &declined))
            // One unit of the last digit up and down.
            for delta in [-1, 1] {
                var t = text
                var i = t.count - 1
                while t[i] == 0x2E { i -= 1 }
                if delta == 1 {
                    while i >= 0 && (t[i] == 0x39 || t[i] == 0x2E) { if t[i] == 0x39 { t[i] = 0x30 }; i -= 1 }
                    if i >= 0 { t[i] += 1 } else { continue }
                } else {
                    while i >= 0 && (t[i] == 0x30 || t[i] == 0x2E) { if t[i] == 0x30 { t[i] = 0x39 }; i -= 1 }
                    if i >= 0 { t[i] -= 1 } else { continue }
                }
                #expect(Self.agrees(t, declined: &declined))
            }
        }
        #expect(declined == 0, "midpoints of 17 to 19 digits are within the shortcuts")
    }

    @Test func craftedEdges() {
        var declined = 0
        let spellings = ["0", "0.0", "000", "0e10", "1", "9007199254740992", "9007199254740993", "9007199254740995",
                         "18446744073709551615", "9999999999999999999", "1e22", "1e23", "123456789012345678e-5",
                         "86399.99999999999", "86399.999999999999", "0.1", "0.30000000000000004", "1.7976931348623157e308",
                         "4.9406564584124654e-324", "2.2250738585072014e-308", "1e-19", "1234567890123456789e-19",
                         "3.", "1e", "1e+", "1.5.2", "12abc", "0x1p3", ".5", "1E-2", "7.e3", "1e0001", "1e00001"]
        for s in spellings { #expect(Self.agrees(Array(s.utf8), declined: &declined)) }
        #expect(DecimalReading.value(UnsafeBufferPointer(start: nil, count: 0)) == nil)
        for refused in ["1e", "1e+", "1.5.2", "12abc", "0x1p3", ".5", "", "-1", " 1"] {
            #expect(Array(refused.utf8).withUnsafeBufferPointer { DecimalReading.value($0) } == nil, "\(refused)")
        }
    }
}
