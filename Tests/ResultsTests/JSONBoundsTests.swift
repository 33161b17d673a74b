import Foundation
import InputLimits
import Testing
@testable import Results

/// A result JSON's nesting, strings and numbers are checked before Foundation parses it.
@Suite struct JSONBoundsTests {
    private func error(_ text: String, _ limits: InputLimits = .standard) -> String? {
        do { _ = try JSONNode.parse(Data(text.utf8), file: "r.json", limits: limits); return nil } catch { return "\(error)" }
    }

    @Test func depthIsBoundedAndNamed() {
        var limits = InputLimits()
        limits.maxJSONDepth = 3
        #expect(error("[[[1]]]", limits) == nil)
        #expect(error("[[[[1]]]]", limits) == "r.json: 1:4: nested deeper than 3 levels (the limit is set by PLACER_MAX_JSON_DEPTH)")
        #expect(error(#"{"a": "[[[[[["}"#, limits) == nil, "brackets inside strings do not count")
        #expect(error(String(repeating: "[", count: 100_000))?.contains("PLACER_MAX_JSON_DEPTH") == true)
    }

    @Test func stringsAreBounded() {
        var limits = InputLimits()
        limits.maxJSONStringBytes = 8
        #expect(error(#"["12345678"]"#, limits) == nil)
        #expect(error(#"["123456789"]"#, limits)?.contains("PLACER_MAX_JSON_STRING_BYTES") == true)
        // Bytes as written, escapes included; an escaped quote does not end the string.
        #expect(error(#"["1\"3"]"#, limits) == nil)
        #expect(error(#"["1\"3456789"]"#, limits)?.contains("PLACER_MAX_JSON_STRING_BYTES") == true)
        limits.maxJSONBytes = 10
        #expect(error(#"["12345678"]"#, limits)?.contains("PLACER_MAX_JSON_BYTES") == true)
    }

    @Test func numbersBeyond2To53AreRefusedWithTheirPlace() {
        #expect(error(#"{"a": 9007199254740992}"#) == nil)
        #expect(error(#"{"a": -9007199254740992}"#) == nil)
        #expect(error("{\n  \"a\": 1e300}") == "r.json: 2:8: the number 1e300 is out of range (at most 9007199254740992 in magnitude)")
        #expect(error(#"{"a": 9007199254740994}"#) != nil)
        #expect(error(#"{"a": "1e300"}"#) == nil, "a number inside a string is text")
    }
}
