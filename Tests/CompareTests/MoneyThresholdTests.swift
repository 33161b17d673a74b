import Compare
import Foundation
import Results
import Testing

/// Money thresholds decide in decimal on the amounts as printed (half away from zero, to the
/// cent), so a bound is met exactly at its edge whatever the amounts' binary doubles are.
@Suite struct MoneyThresholdTests {
    private func change(_ before: String, _ after: String) throws -> ResultDiff {
        var base = Fixture(), head = Fixture()
        base.targets[0].cost = before
        head.targets[0].cost = after
        return ResultDiff(base: try base.document("base.json"), head: try head.document("head.json"),
                          baseName: "base.json", headName: "head.json", materiality: Materiality())
    }

    private func breaches(_ bounds: [Bound], increase: Bool = true, _ d: ResultDiff) -> Bool {
        var t = Thresholds()
        if increase { t.costIncrease = bounds } else { t.costDecrease = bounds }
        return t.evaluate(d).contains(where: \.breached)
    }

    @Test func tenPercentIsExactAtEverySize() throws {
        // In doubles, (7.70 - 7.00) / 7.00 * 100 is 10.000000000000009: the old check failed it.
        for (before, at, over) in [("7.00", "7.70", "7.71"), ("100.00", "110.00", "110.01"), ("0.10", "0.11", "0.12"),
                                   ("3.30", "3.63", "3.64"), ("1234567.80", "1358024.58", "1358024.59")] {
            #expect(!breaches([.percent(10)], try change(before, at)), "\(before) → \(at) is exactly +10 %")
            #expect(breaches([.percent(10)], try change(before, over)), "\(before) → \(over) is above +10 %")
        }
    }

    @Test func requiredDecreaseIsExactAtItsEdge() throws {
        #expect(!breaches([.percent(10)], increase: false, try change("7.70", "6.93")), "-10 % exactly meets a 10 % decrease")
        #expect(breaches([.percent(10)], increase: false, try change("7.70", "6.94")))
        #expect(!breaches([.usd(Decimal(string: "0.77")!)], increase: false, try change("7.70", "6.93")))
    }

    @Test func amountsAreRoundedToTheCentOnceBeforeDeciding() throws {
        // $1.004 and $1.005 print as $1.00 and $1.01: +1 cent, which a $0.01 cap allows and +0.5 % does not.
        let d = try change("1.004", "1.005")
        #expect(!breaches([.usd(Decimal(string: "0.01")!)], d))
        #expect(breaches([.usd(Decimal(string: "0.009")!)], d))
        #expect(breaches([.percent(0.5)], d))
        #expect(!breaches([.percent(1)], d))
        let md = DiffMarkdown.render(d, checks: [])
        #expect(md.contains("0.01 (+1.0%)"), "the delta printed is the difference of the printed amounts")
    }

    @Test func fromZeroIsAnIncreaseOfAnyPercent() throws {
        #expect(breaches([.percent(1000)], try change("0.00", "0.01")))
        #expect(!breaches([.percent(0)], try change("0.00", "0.004")), "$0.004 prints as $0.00: no change")
    }
}
