import Foundation
import Testing
@testable import Traces

/// Rows that straddle the reader's 1 MiB read chunks and its row batches (16,384 rows, or 1 MiB
/// of field bytes) read exactly as rows that do not.
@Suite struct ChunkAndBatchBoundaryTests {
    static let header = "timestamp,function,duration_ms\r\n"
    /// A row with a quoted field holding a comma and an escaped quote, and a CRLF end.
    static let special = "12.5,\"fn, \"\"q\"\"\",42.25\r\n"

    /// A file where the read chunk boundary falls `offset` bytes into the special row: filler
    /// rows before it (one of them padded to the exact length), one plain row after it.
    static func file(boundaryAt offset: Int) throws -> (path: String, fillers: Int) {
        let start = FileChunkReader.chunkSize - offset
        let fill = start - header.utf8.count
        let plain = "0,f,1\r\n"
        let count = (fill - 64) / plain.utf8.count
        let padded = fill - count * plain.utf8.count  // one row of this many bytes: "0,f…,1\r\n"
        let last = "0,f" + String(repeating: "x", count: padded - 7) + ",1\r\n"
        var text = header
        text.reserveCapacity(FileChunkReader.chunkSize + 64)
        for _ in 0..<count { text += plain }
        text += last + special + "13,g,2\r\n"
        #expect(text.utf8.count == FileChunkReader.chunkSize - offset + special.utf8.count + 8)
        return (try temporaryFile("boundary-\(offset).csv", text), count + 1)
    }

    @Test func aRowSplitByTheReadChunkAtEveryByteReadsWhole() throws {
        for offset in 0...Self.special.utf8.count {
            let (path, fillers) = try Self.file(boundaryAt: offset)
            let (sink, summary) = try read(path).get()
            #expect(summary.rows == fillers + 2, "boundary \(offset) bytes into the row")
            #expect(sink.invocations.count == fillers + 2)
            guard sink.invocations.count == fillers + 2 else { continue }
            let (key, call) = sink.invocations[fillers]
            #expect(key.function == "fn, \"q\"", "boundary \(offset) bytes into the row")
            #expect(call.startSeconds == 12.5 && call.durationMs == 42.25, "boundary \(offset)")
            #expect(sink.invocations[fillers + 1].0.function == "g" && sink.invocations[fillers + 1].1.durationMs == 2)
        }
    }

    @Test func rowsAcrossBatchesByCountArriveAllInOrder() throws {
        // Three batches of 16,384 rows and a few more: each row's name and duration say its place.
        let n = 3 * 16_384 + 5
        var text = "timestamp,function,duration_ms\n"
        for i in 0..<n { text += "\(i),f\(i),\(i % 97 + 1)\n" }
        let (sink, summary) = try read(try temporaryFile("batches.csv", text)).get()
        #expect(summary.rows == n)
        #expect(sink.invocations.count == n)
        let misplaced = sink.invocations.enumerated().first { i, entry in
            entry.0.function != "f\(i)" || entry.1.durationMs != Double(i % 97 + 1) || entry.1.startSeconds != Double(i)
        }
        #expect(misplaced == nil, "row \(String(describing: misplaced?.offset)) out of place")
    }

    @Test func longRowsAcrossBatchesByBytesArriveAllInOrder() throws {
        // 2,000 rows of 3 KB names: 6 MB of field bytes, six read chunks and batches by size.
        let n = 2_000
        var text = "timestamp,function,duration_ms\n"
        for i in 0..<n { text += "\(i),\(String(repeating: Character(UnicodeScalar(UInt8(97 + i % 26))), count: 3_000))\(i),\(i + 1)\n" }
        let (sink, summary) = try read(try temporaryFile("long.csv", text)).get()
        #expect(summary.rows == n)
        #expect(sink.invocations.count == n)
        let misplaced = sink.invocations.enumerated().first { i, entry in
            !entry.0.function.hasSuffix("\(i)") || entry.0.function.utf8.count != 3_000 + String(i).count || entry.1.durationMs != Double(i + 1)
        }
        #expect(misplaced == nil, "row \(String(describing: misplaced?.offset)) out of place")
    }
}
