import Foundation
import InputLimits
import Testing
@testable import Traces

/// The parsing thread's word-at-a-time shortcuts (docs/performance.md, "Third pass") must give
/// exactly what their byte-at-a-time forms gave: the plain-line split, the eight-digit runs of
/// `DecimalReading`, and the fingerprint now taken on the handling thread.
@Suite struct WordAtATimeTests {
    /// A line's fields as the byte loop split it, or nil where the line is not plain (empty, or a
    /// quote, space, tab or CR other than a final CR).
    private static func byteLoopSplit(_ line: [UInt8]) -> [[UInt8]]? {
        var bytes = line
        if bytes.last == 0x0D { bytes.removeLast() }
        guard !bytes.isEmpty, !bytes.contains(where: { [0x22, 0x20, 0x09, 0x0D].contains($0) }) else { return nil }
        return bytes.split(separator: 0x2C, omittingEmptySubsequences: false).map(Array.init)
    }

    /// Every byte value (but the line end) at every place of lines of 1 to 40 bytes, with commas
    /// around it: the split agrees with the byte loop, line by line, and so do the numbers read
    /// beside the fields.
    @Test func everyByteAtEveryPlaceSplitsAsTheByteLoop() {
        var random = SeededRandom(seed: 11)
        var checked = 0
        let batch = RowBatch(readsNumbers: true)
        for length in 1...40 {
            for place in 0..<length {
                for value in 0...255 where value != 0x0A {
                    var line = (0..<length).map { _ in [UInt8(ascii: "7"), UInt8(ascii: "."), UInt8(ascii: "a"), 0x2C][random.int(below: 4)] }
                    line[place] = UInt8(value)
                    batch.reset()
                    let data = line + [0x0A]
                    let (consumed, stop) = data.withUnsafeBufferPointer {
                        batch.appendPlainLines($0.baseAddress!, count: $0.count, firstLine: 1, maxRowBytes: 1 << 20, maxFields: 1 << 20)
                    }
                    checked += 1
                    guard let expected = Self.byteLoopSplit(line) else {
                        #expect(consumed == 0 && stop == .notPlain && batch.isEmpty, "\(line) is not plain")
                        continue
                    }
                    #expect(consumed == data.count && stop == .partialLine, "\(line)")
                    guard let entry = batch.entries.first, batch.entries.count == 1 else {
                        Issue.record("\(line): \(batch.entries.count) rows")
                        continue
                    }
                    let row = batch.row(entry)
                    let fields = (0..<row.count).map { Array(row.bytes($0)) }
                    #expect(fields == expected, "\(line)")
                    for (i, field) in fields.enumerated() {
                        let number = field.withUnsafeBufferPointer { DecimalReading.value($0) } ?? .nan
                        #expect(row.numbers?[i].bitPattern == number.bitPattern, "\(line) field \(i)")
                    }
                }
            }
        }
        #expect(checked > 200_000)
    }

    /// What `DecimalReading.value` read digit by digit before the eight-digit runs: the
    /// significand, its significant digits and the decimal exponent, or nil past 19 digits.
    private static func digitByDigit(_ bytes: [UInt8]) -> Double?? {
        var i = 0, w: UInt64 = 0, digits = 0, exponent = 0
        func run(fraction: Bool) -> Bool {
            while i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39 {
                let d = bytes[i] - 0x30
                if digits > 0 || d != 0 {
                    guard digits < 19 else { return false }
                    w = w * 10 + UInt64(d)
                    digits += 1
                }
                if fraction { exponent -= 1 }
                i += 1
            }
            return true
        }
        guard run(fraction: false), i > 0 else { return .some(nil) }
        if i < bytes.count && bytes[i] == 0x2E {
            i += 1
            guard run(fraction: true) else { return .some(nil) }
        }
        // Exponents are read as before; these spellings have none.
        guard i == bytes.count else { return nil }  // not this test's shape
        return .some(DecimalReading.value(significand: w, exponent: exponent))
    }

    /// Runs of leading zeros and digits of every length on both sides of the point, so that the
    /// eight-byte words start and end everywhere around the first significant digit, the point
    /// and the 19-digit limit: the same double (or the same refusal) as digit by digit, and
    /// strtod's double wherever one is read.
    @Test func eightDigitRunsReadAsDigitByDigit() {
        var random = SeededRandom(seed: 5)
        var read = 0
        for zeros in 0...12 {
            for integerDigits in 0...24 {
                for fractionDigits in [-1, 0, 1, 5, 7, 8, 9, 15, 16, 17, 18, 19, 20, 24] {
                    var text = [UInt8](repeating: 0x30, count: zeros)
                    for k in 0..<integerDigits { text.append(UInt8(48 + (k == 0 ? 1 + random.int(below: 9) : random.int(below: 10)))) }
                    if text.isEmpty { text = [0x30] }
                    if fractionDigits >= 0 {
                        text.append(0x2E)
                        for _ in 0..<random.int(below: 10) { text.append(0x30) }
                        for _ in 0..<fractionDigits { text.append(UInt8(48 + random.int(below: 10))) }
                    }
                    guard let expected = Self.digitByDigit(text) else { continue }
                    let got = text.withUnsafeBufferPointer { DecimalReading.value($0) }
                    #expect(got?.bitPattern == expected?.bitPattern, "\(String(decoding: text, as: UTF8.self))")
                    if let got {
                        read += 1
                        let c = text.map { CChar(bitPattern: $0) } + [0]
                        #expect(got.bitPattern == strtod(c, nil).bitPattern, "\(String(decoding: text, as: UTF8.self))")
                    }
                }
            }
        }
        #expect(read > 1_000)
        // A word with a non-digit inside reads on digit by digit.
        for text in ["1234567.8", "12345678.9", "0.1234567e3", "00000001x", "123456789012345678901", "1234567890123456789.5"] {
            let bytes = Array(text.utf8)
            guard let expected = Self.digitByDigit(bytes) else {
                let got = bytes.withUnsafeBufferPointer { DecimalReading.value($0) }
                let c = bytes.map { CChar(bitPattern: $0) } + [0]
                var end: UnsafeMutablePointer<CChar>?
                let value = strtod(c, &end)
                #expect(got == nil || got?.bitPattern == value.bitPattern, "\(text)")
                continue
            }
            #expect(bytes.withUnsafeBufferPointer { DecimalReading.value($0) }?.bitPattern == expected?.bitPattern, "\(text)")
        }
    }

    /// The fingerprint and byte count, now taken on the handling thread from the batches' copies
    /// of the chunks, are those of the whole file: files of several read chunks, with and without
    /// a line libcsv takes over from, a last line end, a BOM; and small random files.
    @Test func theFingerprintIsTheFilesWhicheverThreadTakesIt() throws {
        var random = SeededRandom(seed: 9)
        for round in 0..<8 {
            var text = round % 2 == 0 ? "\u{FEFF}a,b,c\n" : "a,b,c\n"
            while text.utf8.count < 2 * FileChunkReader.chunkSize + 12_345 * round {
                text += "\(random.int(below: 100_000)).\(random.int(below: 1000)),fn,\(random.int(below: 500))\n"
                if round % 4 == 1 && random.int(below: 20_000) == 0 { text += "\"quoted\",1,2\n" }
            }
            if round % 3 == 0 { text += "1,2,3" }
            try Self.checkFingerprint(text, "round \(round)")
        }
        for i in 0..<200 {
            try Self.checkFingerprint(PlainLineAgreementTests.randomCSV(&random, rows: 1 + random.int(below: 30), oddness: [0, 10, 40][i % 3]), "small \(i)")
        }
    }

    private static func checkFingerprint(_ text: String, _ label: String) throws {
        let path = try temporaryFile("fingerprint.csv", text)
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        let file = try FileChunkReader(path: path)
        guard let first = try file.next() else { return }
        let pipeline = RowPipeline(path: path, first: first, rest: file)
        do { try pipeline.run { _, _ in } } catch { return }  // a refused file has no fingerprint to compare
        #expect(pipeline.fingerprint.finalize() == (try ContentFingerprint.of(path: path)), "\(label)")
        #expect(pipeline.bytes == text.utf8.count, "\(label)")
    }
}
