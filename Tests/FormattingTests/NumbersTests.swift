import Foundation
import Formatting
import Testing

// Each style pinned by hand-checked examples, including the edges where it changes form.

@Suite struct NumbersTests {
    @Test func moneyStyles() {
        #expect(Numbers.usd(Decimal(string: "1234.565")!, .cents) == "$1,234.57")
        // A Double amount is the decimal it is written as (the result JSON's text): 1.005 is
        // binary 1.00499999…, which a plain conversion would round down to $1.00.
        #expect(Numbers.usd(1.005, .cents) == "$1.01")
        #expect(Numbers.usd(-1.005, .cents) == "-$1.01")
        #expect(Numbers.usd(2.675, .cents) == "$2.68")
        #expect(Numbers.usd(1.0049, .cents) == "$1.00")
        #expect(Numbers.usd(Double.nan, .cents) == "–")
        #expect(Numbers.cents(Decimal(string: "1.005")!) == Decimal(string: "1.01")!)
        #expect(Numbers.cents(Decimal(string: "-0.125")!) == Decimal(string: "-0.13")!)
        #expect(Numbers.usd(Decimal(string: "-3.1")!, .cents) == "-$3.10")
        #expect(Numbers.usd(Decimal(string: "-0.004")!, .cents) == "$0.00", "no minus on an amount that rounds to zero")
        #expect(Numbers.usd(Decimal(string: "9999.99")!, .compact) == "$9,999.99")
        #expect(Numbers.usd(Decimal(string: "12345.5")!, .compact) == "$12,346")
        #expect(Numbers.usd(Decimal(string: "-12345.4")!, .compact) == "-$12,345")
        #expect(Numbers.usd(Decimal(string: "2.66")!, .signed) == "+$2.66")
        #expect(Numbers.usd(Decimal(string: "-0.4")!, .signed) == "-$0.40")
        #expect(Numbers.usd(Decimal(0), .signed) == "$0.00")
        #expect(Numbers.usd(1_234_567.891, .cents) == "$1,234,567.89")
        #expect(Numbers.usd(Double.nan, .cents) == "–")
        #expect(Numbers.usd(1234.5, .compact) == "$1,234.50")
        #expect(Numbers.usd(123456.7, .compact) == "$123,457")
    }

    @Test func moneyColumnsAreWrittenAlike() {
        // One amount of $10,000 or more: the whole column in dollars, so no row keeps its cents.
        #expect(Numbers.usdColumn([789, 18_936.4, 8_679, nil, -789.5]) == ["$789", "$18,936", "$8,679", "–", "-$790"])
        // None: cents in every row, as `.compact` writes them.
        #expect(Numbers.usdColumn([43.11, 9_999.99, -8_671.44, .nan]) == ["$43.11", "$9,999.99", "-$8,671.44", "–"])
        #expect(Numbers.usdColumn([-10_000, 0.004]) == ["-$10,000", "$0"])
        #expect(Numbers.usdColumn([]) == [])
        // The column's style, for text that quotes its figures.
        #expect(Numbers.columnStyle([789, 18_936]) == .whole && Numbers.columnStyle([789, 9_999.99, nil]) == .cents)
        #expect(Numbers.usd(789.5, .whole) == "$790" && Numbers.usd(-0.4, .whole) == "$0")
    }

    @Test func aDoubleAndADecimalOfTheSameAmountReadTheSame() {
        for cents in stride(from: -250_000, through: 250_000, by: 997) {
            let decimal = Decimal(cents) / 100
            let double = Double(cents) / 100
            for style in [Numbers.MoneyStyle.cents, .compact, .signed] {
                #expect(Numbers.usd(decimal, style) == Numbers.usd(double, style), "\(cents) cents")
            }
        }
    }

    @Test func countsAndGrouping() {
        #expect(Numbers.count(1_514_931) == "1,514,931")
        #expect(Numbers.count(-1234) == "-1,234")
        #expect(Numbers.count(999) == "999")
        #expect(Numbers.count(2.5) == "3")
        #expect(Numbers.count(Double.infinity) == "–")
        #expect(Numbers.grouped("-1234567.25") == "-1,234,567.25")
        #expect(Numbers.counted(1, "row") == "1 row")
        #expect(Numbers.counted(1234, "row") == "1,234 rows")
        #expect(Numbers.counted(1.2, "server") == "1 server")
        #expect(Numbers.fixed(1234.5, 2) == "1,234.50")
    }

    @Test func plainNumbers() {
        #expect(Numbers.number(0.254, .significant) == "0.25")
        #expect(Numbers.number(12.54, .significant) == "12.5")
        #expect(Numbers.number(338.4, .significant) == "338")
        #expect(Numbers.number(1234.4, .significant) == "1,234")
        #expect(Numbers.number(10, .trimmed) == "10")
        #expect(Numbers.number(2.5, .trimmed) == "2.5")
        #expect(Numbers.number(-0.001, .trimmed) == "0")
        #expect(Numbers.number(2048, .trimmed) == "2,048")
        #expect(Numbers.number(0.25, .factor) == "0.25")
        #expect(Numbers.number(2.54, .factor) == "2.5")
        #expect(Numbers.number(10_000, .factor) == "10,000")
    }

    @Test func percentStyles() {
        #expect(Numbers.percent(0.452, .oneDecimal) == "45.2 %")
        #expect(Numbers.percent(0, .adaptive) == "0 %")
        #expect(Numbers.percent(0.00005, .adaptive) == "<0.01 %")
        #expect(Numbers.percent(0.0213, .adaptive) == "2.13 %")
        #expect(Numbers.percent(0.452, .adaptive) == "45.2 %")
        #expect(Numbers.percent(0.0063, .adaptive) == "0.63 %")
        #expect(Numbers.percent(0.25, .adaptive) == "25.0 %")
        #expect(Numbers.percent(.nan, .adaptive) == "–")
        #expect(Numbers.percent(0.0213, .compact) == "2.13%")
        #expect(Numbers.percent(points: 21.64, .signedChange) == "+21.6%")
        #expect(Numbers.percent(points: -0.01, .signedChange) == "0.0%")
        #expect(Numbers.percent(points: .infinity, .signedChange) == "from zero")
    }

    @Test func timeStyles() {
        #expect(Numbers.ms(3.54, .withUnit) == "3.5 ms")
        #expect(Numbers.ms(1234, .withUnit) == "1,234 ms")
        #expect(Numbers.ms(60_200, .withUnit) == "60.2 s")
        #expect(Numbers.ms(12.5, .column) == "12.5")
        #expect(Numbers.ms(1234.4, .column) == "1,234")
        #expect(Numbers.ms(-1234.4, .signedColumn) == "-1,234")
        #expect(Numbers.ms(-0.04, .signedColumn) == "0.0")
        #expect(Numbers.duration(seconds: 45, .approximate) == "45 s")
        #expect(Numbers.duration(seconds: 720, .approximate) == "12 min")
        #expect(Numbers.duration(seconds: 12_600, .approximate) == "3.5 h")
        #expect(Numbers.duration(seconds: 86_400, .exact) == "1 day")
        #expect(Numbers.duration(seconds: 7200, .exact) == "2 h")
        #expect(Numbers.duration(seconds: 90, .exact) == "90.0 s")
        #expect(Numbers.span(days: 0.125) == "3.0 hours")
        #expect(Numbers.span(days: 2) == "2.00 days")
    }
}

@Suite struct SignificantDigitsTests {
    @Test func significantDigitsKeepTheFigureSmallOrLarge() {
        #expect(Numbers.significant(0.011255, digits: 3) == "0.0113")
        #expect(Numbers.significant(0.000548, digits: 3) == "0.000548")
        #expect(Numbers.significant(2.3456, digits: 3) == "2.35")
        #expect(Numbers.significant(4696.4, digits: 2) == "4,700")
        #expect(Numbers.significant(266.6, digits: 2) == "270")
        #expect(Numbers.significant(0, digits: 3) == "0")
    }
}
