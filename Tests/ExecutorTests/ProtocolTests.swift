import Executor
import WorkerProtocol
import XCTest

final class ProtocolTests: XCTestCase {
    func testLinesRoundTrip() throws {
        let line = FlatJSON.line(["id": .number(7), "function": .string("a \"b\"\n"), "durationMs": .number(12.5), "ok": .bool(true), "x": .null])
        XCTAssertEqual(line, "{\"id\":7,\"function\":\"a \\\"b\\\"\\n\",\"durationMs\":12.5,\"ok\":true,\"x\":null}\n")
        let fields = try FlatJSON.parse(Array(line.utf8.dropLast()))
        XCTAssertEqual(fields["id"], .number(7))
        XCTAssertEqual(fields["function"], .string("a \"b\"\n"))
        XCTAssertEqual(fields["durationMs"], .number(12.5))
        XCTAssertEqual(fields["ok"], .bool(true))
        XCTAssertEqual(fields["x"], .null)
    }

    func testGarbageIsRejected() {
        for bad in ["this is not json", "{\"id\":1", "{\"id\":[1]}", "{\"id\":1} trailing", "", "{\"a\" 1}"] {
            XCTAssertThrowsError(try FlatJSON.parse(Array(bad.utf8)), bad)
        }
    }

    func testNumbersHaveFixedFormat() {
        XCTAssertEqual(FlatJSON.format(3), "3")
        XCTAssertEqual(FlatJSON.format(0.25), "0.25")
        XCTAssertEqual(FlatJSON.format(-1.5), "-1.5")
        XCTAssertEqual(FlatJSON.format(0.000001), "0.000001")
    }

    /// Found by the worker-protocol fuzz target: a number past what 6 decimals in an Int64 hold
    /// (a duration of 1e16 ms from a trace) trapped instead of being written.
    func testLargeNumbersAreWrittenAndReadBack() throws {
        for n in [1e15, 1e16, -1e16, 12_345_678_901_234.5, 9.3e12 + 0.25, 1e300, -1e300, Double.greatestFiniteMagnitude] {
            let line = FlatJSON.line(["d": .number(n)])
            let back = try FlatJSON.parse(Array(line.utf8.dropLast()))
            XCTAssertEqual(back["d"], .number(n), line)
        }
        XCTAssertEqual(FlatJSON.format(1e16), "1e+16")
        XCTAssertEqual(FlatJSON.format(123_456.25), "123456.25")
    }

    func testCommandsSplitWithoutAShell() throws {
        XCTAssertEqual(try splitCommand("python3 examples/handler.py --mode 'a b' \"c\\\"d\""), ["python3", "examples/handler.py", "--mode", "a b", "c\"d"])
        XCTAssertEqual(try splitCommand("echo $HOME;rm"), ["echo", "$HOME;rm"])
        XCTAssertThrowsError(try splitCommand("python3 'open"))
    }
}
