import Foundation
import InputLimits
import Testing
@testable import Traces

/// The reading pipeline splits plain lines itself and hands everything else to libcsv: its rows
/// (fields, line numbers, the unterminated-last-row flag) and its errors must be those of libcsv
/// alone, on seeded random CSV with quotes, CR, CRLF, blank lines, spaces, tabs, empty fields, a
/// BOM, a last line with or without its line end, and small row limits; and on files whose odd
/// lines straddle the 1 MiB read chunks.
@Suite struct PlainLineAgreementTests {
    struct Row: Equatable {
        var fields: [[UInt8]]
        var line: Int
        var unterminated: Bool
    }

    /// The pipeline's rows, and its error's words.
    static func pipelineRows(_ path: String, _ limits: InputLimits) -> ([Row], String?) {
        var rows: [Row] = []
        do {
            let file = try FileChunkReader(path: path)
            guard let first = try file.next() else { return ([], "empty") }
            let pipeline = RowPipeline(path: path, first: first, rest: file, limits: limits)
            try pipeline.run { row, unterminated in
                rows.append(Row(fields: (0..<row.count).map { Array(row.bytes($0)) }, line: row.line, unterminated: unterminated))
            }
        } catch {
            return (rows, "\(error)")
        }
        return (rows, nil)
    }

    /// libcsv alone, fed the file's chunks as the pipeline reads them (with the same text check).
    static func libcsvRows(_ path: String, _ limits: InputLimits) -> ([Row], String?) {
        var rows: [Row] = []
        var finishing = false
        var parser: CSVParser?
        parser = CSVParser(maxRowBytes: limits.maxRowBytes, maxFields: limits.maxFieldsPerRow) { row in
            rows.append(Row(fields: (0..<row.count).map { Array(row.bytes($0)) }, line: row.line,
                            unterminated: finishing && !(parser?.endsWithNewline ?? true)))
        }
        defer { parser = nil }
        do {
            let file = try FileChunkReader(path: path)
            var sawChunk = false
            while let chunk = try file.next(), let p = parser {
                sawChunk = true
                try TraceFileReader.checkText(chunk, path: path, line: p.currentLine)
                try p.feed(chunk)
            }
            guard sawChunk, let p = parser else { return ([], "empty") }
            finishing = true
            try p.finish()
        } catch {
            return (rows, "\(error)")
        }
        return (rows, nil)
    }

    static let pieces: [String] = ["ab", "12.5", "fn", "é", "", "", " x", "y ", "a b", "\tt", "\"a,b\"", "\"q\"\"q\"",
                                   "\"l1\nl2\"", "a\"b", "c\rd", "\" sp \"", "\"x\"y", "7", "0.001", "z"]

    static func randomCSV(_ random: inout SeededRandom, rows: Int, oddness: Int) -> String {
        var text = random.int(below: 5) == 0 ? "\u{FEFF}" : ""
        for r in 0..<rows {
            let fields = 1 + random.int(below: 5)
            var line: [String] = []
            for _ in 0..<fields {
                // Mostly plain fields; `oddness` in 100 come from the whole list.
                line.append(random.int(below: 100) < oddness ? pieces[random.int(below: pieces.count)]
                                                              : ["ab", "12.5", "fn", "é", "7", "0.001", "z", ""][random.int(below: 8)])
            }
            text += line.joined(separator: ",")
            if r == rows - 1 && random.int(below: 2) == 0 { break }  // no line end after the last row
            let end = random.int(below: 100)
            text += end < oddness / 2 ? "\r" : end < oddness ? "\n\n" : end < 25 ? "\r\n" : "\n"
        }
        return text
    }

    static func limits(_ random: inout SeededRandom) -> InputLimits {
        var limits = InputLimits.current
        if random.int(below: 4) == 0 { limits.maxRowBytes = 8 + random.int(below: 40) }
        if random.int(below: 4) == 0 { limits.maxFieldsPerRow = 1 + random.int(below: 5) }
        return limits
    }

    @Test(arguments: [1, 2, 3])
    func randomSmallFilesReadAsLibcsvAlone(seed: UInt64) throws {
        var random = SeededRandom(seed: seed)
        var plainOnly = 0, failures = 0
        for i in 0..<600 where failures < 5 {
            let oddness = [0, 2, 10, 40][random.int(below: 4)]
            let text = Self.randomCSV(&random, rows: 1 + random.int(below: 30), oddness: oddness)
            let limits = Self.limits(&random)
            let path = try temporaryFile("agree-\(seed)-\(i).csv", text)
            defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
            let (mine, myError) = Self.pipelineRows(path, limits)
            let (theirs, theirError) = Self.libcsvRows(path, limits)
            if oddness == 0 && theirError == nil { plainOnly += 1 }
            if mine != theirs || myError != theirError {
                failures += 1
                Issue.record("seed \(seed) file \(i): \(text.debugDescription) rows \(mine.count) vs \(theirs.count), error \(myError ?? "none") vs \(theirError ?? "none")")
            }
        }
        #expect(plainOnly > 50, "the plain path itself must be exercised")
    }

    /// Files over two read chunks whose odd row (quoted, CR, spaces, too long, blank line before it)
    /// lies at a random place around the first chunk's end, or nowhere.
    @Test func oddLinesAroundTheReadChunkBoundary() throws {
        var random = SeededRandom(seed: 7)
        let odd = ["\"q,1\",2,3\n", "a ,b,c\n", "a,b\r,c\n", "\n", "x,y\rz,w\n", "\"multi\nline\",2,3\n",
                   "a,b,c", String(repeating: "w", count: 3000) + ",1,2\n", "p,q,r\r\n"]
        for round in 0..<24 {
            var text = round % 3 == 0 ? "\u{FEFF}h1,h2,h3\n" : "h1,h2,h3\r\n"
            let target = FileChunkReader.chunkSize - 200 + random.int(below: 400)
            var placed = round % 8 == 7  // some files have no odd row at all
            while text.utf8.count < FileChunkReader.chunkSize + 300_000 {
                if !placed && text.utf8.count >= target {
                    text += odd[random.int(below: odd.count)]
                    placed = true
                }
                text += "\(random.int(below: 100_000)).\(random.int(below: 1000)),fn\(random.int(below: 3)),\(random.int(below: 500))"
                text += random.int(below: 10) == 0 ? "\r\n" : "\n"
            }
            if round % 2 == 0 { text += "1,2,3" }
            var limits = InputLimits.current
            if round % 4 == 1 { limits.maxRowBytes = 2048 }
            let path = try temporaryFile("chunks-\(round).csv", text)
            defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
            let (mine, myError) = Self.pipelineRows(path, limits)
            let (theirs, theirError) = Self.libcsvRows(path, limits)
            #expect(mine.count == theirs.count && myError == theirError, "round \(round): \(myError ?? "none") vs \(theirError ?? "none")")
            let firstDifference = zip(mine, theirs).enumerated().first { $0.element.0 != $0.element.1 }?.offset
            #expect(firstDifference == nil, "round \(round): row \(firstDifference ?? -1) differs")
        }
    }
}
