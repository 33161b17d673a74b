import Foundation
import Testing
@testable import Traces

/// Plain seconds are read straight from the field's bytes (`CSVRow.plainNumber`): every spelling
/// must give what `Double(String)` gave before, and every text it refuses must still be refused
/// or read as it was.
@Suite struct TimestampParsingTests {
    @Test func plainSecondsReadAsDoubleOfTheirText() throws {
        var spellings = ["0", "1.5", "1e3", "1E-2", "0x1p3", "007.250", "12345678.123456789123", "3.", ".5",
                         "86399.99999999999", "0.1", "4.9406564584124654e-324", "1e-400"]
        var random = SeededRandom(seed: 11)
        for _ in 0..<500 { spellings.append("\(random.uniform() * 86_400)") }
        for _ in 0..<100 { spellings.append(String(format: "%.*f", random.int(below: 20), random.uniform() * 1e6)) }
        let rows = spellings.map { "\($0),f,10" }.joined(separator: "\n")
        let path = try temporaryFile("spellings.csv", "timestamp,function,duration_ms\n\(rows)\n")
        let (sink, _) = try read(path).get()
        #expect(sink.invocations.map { $0.1.startSeconds } == spellings.map { Double($0) })
    }

    @Test func whatItRefusesIsReadAsBefore() throws {
        for bad in ["1.5.2", "1e", "12abc", "0x"] {
            let path = try temporaryFile("bad.csv", "timestamp,function,duration_ms\n\(bad),f,10\n")
            guard case .failure(let error) = read(path) else { Issue.record("\"\(bad)\" was read"); continue }
            #expect(error.description.contains("is neither seconds since the trace start nor an ISO-8601 date-time"), "\(error)")
        }
        let iso = try temporaryFile("iso.csv", "timestamp,function,duration_ms\n2026-12-05T00:00:01Z,f,10\n")
        #expect(try read(iso).get().0.invocations.first?.1.startSeconds == 1_796_428_801)
    }
}
