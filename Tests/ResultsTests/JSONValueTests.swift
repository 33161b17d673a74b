import Foundation
import Testing
@testable import Results

/// Pins the bytes `JSONValue` writes (results are compared byte for byte, so the writer must
/// never change them): the expected texts below are what the writer produced before it was made
/// faster, and a seeded loop compares it with that writer (kept here as `ReferenceJSONWriter`) on
/// random strings, numbers and trees.
@Suite struct JSONValueTests {
    private func text(_ value: JSONValue, indent: Int = 0) -> String {
        var out = ""
        value.write(into: &out, indent: indent)
        return out
    }

    @Test func stringsAreEscapedAsBefore() {
        let cases: [(String, String)] = [
        ("", "\"\""),
        ("plain", "\"plain\""),
        ("a\"b", "\"a\\\"b\""),
        ("back\\slash", "\"back\\\\slash\""),
        ("/slash/", "\"/slash/\""),
        ("line\nbreak", "\"line\\nbreak\""),
        ("tab\there", "\"tab\\there\""),
        ("cr\u{d}here", "\"cr\\u000dhere\""),
        ("\u{0}\u{1}\u{8}\u{c}\u{1f}", "\"\\u0000\\u0001\\u0008\\u000c\\u001f\""),
        ("del\u{7f}", "\"del\u{7f}\""),
        ("caf\u{e9}", "\"caf\u{e9}\""),
        ("e\u{301}", "\"e\u{301}\""),
        ("\u{65e5}\u{672c}", "\"\u{65e5}\u{672c}\""),
        ("\u{1f600}\u{1f1eb}\u{1f1f7}", "\"\u{1f600}\u{1f1eb}\u{1f1f7}\""),
        ("\u{2028}\u{2029}", "\"\u{2028}\u{2029}\""),
        ("\u{feff}bom", "\"\u{feff}bom\""),
        ("\u{d}\n", "\"\\u000d\\n\""),
        ]
        for (input, expected) in cases {
            #expect(text(.string(input)) == expected, "\(input.debugDescription)")
            #expect(JSONValue.quote(input) == expected)
        }
    }

    @Test func fixedNumbersAreWrittenAsBefore() {
        let cases: [(Double, Int, String)] = [
        (0.0, 3, "0.000"),
        (-0.0, 3, "0.000"),
        (-0.0004, 3, "0.000"),
        (0.0004, 3, "0.000"),
        (1.5, 0, "2"),
        (2.5, 0, "2"),
        (-2.5, 0, "-2"),
        (0.125, 2, "0.12"),
        (0.375, 2, "0.38"),
        (1e+20, 1, "100000000000000000000.0"),
        (1e+300, 0, "1000000000000000052504760255204420248704468581108159154915854115511802457988908195786371375080447864043704443832883878176942523235360430575644792184786706982848387200926575803737830233794788090059368953234970799945081119038967640880074652742780142494579258788820056842838115669472196386865459400540160"),
        (123.456, 0, "123"),
        (Double.leastNonzeroMagnitude, 3, "0.000"),
        (-1e-300, 6, "0.000000"),
        (.nan, 3, "null"),
        (.infinity, 1, "null"),
        (-.infinity, 1, "null"),
        (1234567.891, 3, "1234567.891"),
        (0.1, 17, "0.10000000000000001"),
        (-7.0, 0, "-7"),
        (42.0, 4, "42.0000"),
        (1.7976931348623157e+308, 0, "179769313486231570814527423731704356798070567525844996598917476803157260780028538760589558632766878171540458953514382464234321326889464182768467546703537516986049910576551282076245490090389328944075868508455133942304583236903222948165808559332123348274797826204144723168738177180919299881250404026184124858368"),
        (0.3333333333333333, 6, "0.333333"),
        (-0.3333333333333333, 6, "-0.333333"),
        (9.9995, 3, "9.999"),
        (0.5, 0, "0"),
        (-0.5, 0, "0"),
        (1000000000000000.2, 1, "1000000000000000.2"),
        ]
        for (value, places, expected) in cases {
            #expect(text(.fixed(value, places)) == expected, "\(value) at \(places) places")
        }
    }

    @Test func decimalsAreWrittenAsBefore() {
        let cases: [(String, Int, String)] = [
        ("0", 6, "0"),
        ("-0", 6, "0"),
        ("1.23456789", 6, "1.234568"),
        ("-1.23456789", 6, "-1.234568"),
        ("0.0000005", 6, "0.000001"),
        ("-0.0000005", 6, "-0.000001"),
        ("-0.0000001", 6, "0"),
        ("0.0000001", 6, "0"),
        ("12345678901234567890.123456789", 6, "12345678901234567890.123457"),
        ("1e30", 6, "1000000000000000000000000000000"),
        ("1e-10", 6, "0"),
        ("-1e-10", 3, "0"),
        ("99999999999999999999999999999999999999", 0, "99999999999999999999999999999999999999"),
        ("0.000001", 6, "0.000001"),
        ("123.4", 6, "123.4"),
        ("100", 2, "100"),
        ("5.5", 0, "6"),
        ("-5.5", 0, "-6"),
        ("2.675", 2, "2.68"),
        ("1e-120", 6, "0"),
        ("0.00000050", 6, "0.000001"),
        ("3.14159265358979323846264338327950288", 10, "3.1415926536"),
        ("-123456789.987654321", 3, "-123456789.988"),
        // Rounded values lose their trailing zeros (Foundation compacts them).
        ("1.2300001", 6, "1.23"),
        ("99.9999996", 6, "100"),
        ("-1.9999999", 6, "-2"),
        ("0.99999999999999999999999999999999999999", 6, "1"),
        ("0.00000000000000000000000000000000000000000001", 6, "0"),
        ]
        for (input, places, expected) in cases {
            #expect(text(.decimal(Decimal(string: input)!, places)) == expected, "\(input) at \(places) places")
        }
    }

    @Test func integersAreWrittenAsBefore() {
        let cases: [(Int, String)] = [
        (0, "0"),
        (1, "1"),
        (-1, "-1"),
        (9223372036854775807, "9223372036854775807"),
        (-9223372036854775808, "-9223372036854775808"),
        (1000000, "1000000"),
        ]
        for (value, expected) in cases { #expect(text(.int(value)) == expected) }
    }

    /// Decimals are written from their stored digits, not `description`, only where the storage
    /// reads as this Foundation lays it out; were it not, every decimal would take the slow path.
    @Test func decimalStorageIsReadHere() {
        #expect(DecimalParts.layoutKnown)
        let parts = DecimalParts.read(Decimal(string: "-98765.4321")!)
        #expect(parts?.negative == true && parts?.exponent == -4 && parts?.mantissa == 987_654_321)
        #expect(DecimalParts.read(Decimal.nan) == nil)
    }

    /// Objects sorted by key, arrays without objects on one line, raw JSON re-indented.
    static let tree: JSONValue = .object([
        "b": .array([.int(1), .fixed(2.5, 1), .null, .bool(true), .string("x")]), "a": .object([:]), "c": .array([]),
        "d": .array([.object(["k": .string("v")]), .int(3), .object([:])]), "e": .raw("{\n  \"x\" : 1\n}\n\n"),
        "\u{e9}": .bool(false), "A": .decimal(1, 2),
        "f": .object(["g": .object(["h": .raw("[\n  1,\n  2\n]")]), "q\"k": .array([.array([.int(1)]), .array([.object(["z": .null])])])]),
    ])

    @Test func layoutIsAsBefore() {
        #expect(text(Self.tree) == "{\n  \"A\": 1,\n  \"a\": {},\n  \"b\": [1, 2.5, null, true, \"x\"],\n  \"c\": [],\n  \"d\": [\n    {\n      \"k\": \"v\"\n    },\n    3,\n    {}\n  ],\n  \"e\": {\n    \"x\" : 1\n  },\n  \"f\": {\n    \"g\": {\n      \"h\": [\n        1,\n        2\n      ]\n    },\n    \"q\\\"k\": [[1], [\n      {\n        \"z\": null\n      }\n    ]]\n  },\n  \"\u{e9}\": false\n}")
        #expect(text(Self.tree, indent: 4) == "{\n      \"A\": 1,\n      \"a\": {},\n      \"b\": [1, 2.5, null, true, \"x\"],\n      \"c\": [],\n      \"d\": [\n        {\n          \"k\": \"v\"\n        },\n        3,\n        {}\n      ],\n      \"e\": {\n        \"x\" : 1\n      },\n      \"f\": {\n        \"g\": {\n          \"h\": [\n            1,\n            2\n          ]\n        },\n        \"q\\\"k\": [[1], [\n          {\n            \"z\": null\n          }\n        ]]\n      },\n      \"\u{e9}\": false\n    }")
        #expect(text(.raw("a\nb\n"), indent: 2) == "a\n  b")
    }
}
